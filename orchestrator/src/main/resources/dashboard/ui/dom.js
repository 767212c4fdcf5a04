// Small DOM helpers: elements are built from text, never from HTML strings.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === undefined || v === null || v === false) {
      return;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  });
  append(el, children);
  return el;
}

function append(el, children) {
  children.flat(Infinity).forEach((c) => {
    if (c === undefined || c === null || c === false) {
      return;
    }
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  });
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function time(iso) {
  if (!iso) {
    return '–';
  }
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function timeEl(iso) {
  return h('time', { datetime: iso || '' }, time(iso));
}

export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return '–';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function num(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) {
    return '–';
  }
  if (typeof v !== 'number') {
    return String(v);
  }
  if (Number.isInteger(v)) {
    return v.toLocaleString('en');
  }
  return Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : Number(v.toPrecision(digits)).toString();
}

/** Health is told by a shape and a word, not by colour alone. */
export const HEALTH = {
  O: { word: 'OK', glyph: '✓' },
  W: { word: 'WARNING', glyph: '!' },
  F: { word: 'FAULT', glyph: '✕' },
  U: { word: 'UNKNOWN', glyph: '?' },
  '-': { word: 'absent', glyph: ' ' },
};

export function healthBadge(health) {
  const code = health ? health[0] : 'U';
  const k = HEALTH[code] || HEALTH.U;
  return h('span', { class: `badge h-${code}` }, h('span', { 'aria-hidden': 'true' }, `${k.glyph} `), k.word);
}

export function stateBadge(state) {
  return h('span', { class: `state s-${(state || '').toLowerCase()}` }, state || '–');
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, e && e.message ? e.message : String(e));
}

export function table(caption, headers, rows, attrs = {}) {
  return h('table', attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows));
}

export function short(id) {
  return id ? id.slice(0, 8) : '–';
}
