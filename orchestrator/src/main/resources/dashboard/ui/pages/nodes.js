// Nodes: every chip of every node of a pool by health (shape and word, not colour alone); a chip's
// vendor fields, links and history on click; isolated and held chips and nodes marked.
import { api, query } from '../api.js';
import { h, replace, HEALTH, timeEl, healthBadge, debounce, errorBox, table } from '../dom.js';

const PAGE = 250;
const STATE = { N: 'NEW', R: 'READY', L: 'LOST' };

export async function render(ctx) {
  const { main, navigate, live } = ctx;
  // With a pool in the URL, its chips are read while the pool list is.
  const named = ctx.query.get('pool');
  const early = named ? api(`/api/v1/dashboard/pools/${encodeURIComponent(named)}/chips`) : null;
  if (early) {
    early.catch(() => {});
  }
  const pools = (await api('/api/v1/pools?limit=100')).items.map((p) => p.name);
  const pool = named || pools[0];
  const problemsOnly = ctx.query.get('problems') === '1';
  const wanted = ctx.query.get('node');
  let page = 0;

  const form = h('form', { class: 'filters', 'aria-label': 'Choose nodes' },
    h('div', { class: 'field' }, h('label', { for: 'pool' }, 'Pool'),
      h('select', { id: 'pool', name: 'pool' }, pools.map((p) => h('option', { value: p, selected: p === pool }, p)))),
    h('div', { class: 'field check' }, h('input', { id: 'problems', name: 'problems', type: 'checkbox', checked: problemsOnly }),
      h('label', { for: 'problems' }, 'Only nodes with a chip not OK, isolated or not READY')),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`/nodes${query({ pool: form.pool.value, problems: form.problems.checked ? '1' : '' })}`);
  });
  const legend = h('p', { class: 'legend', 'aria-label': 'Legend' },
    Object.entries(HEALTH).filter(([k]) => k !== '-').map(([code, k]) => h('span', { class: `chip h-${code}` }, h('span', { 'aria-hidden': 'true' }, k.glyph), ` ${k.word} `)),
    h('span', { class: 'chip h-O iso' }, h('span', { 'aria-hidden': 'true' }, '⊘'), ' isolated (hatched)'),
    h('span', { class: 'chip h-O iso held' }, h('span', { 'aria-hidden': 'true' }, 'H'), ' held by an admin'));
  const summary = h('p', { id: 'nodes-summary', role: 'status' });
  const grid = h('div', { id: 'heatmap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of nodes' });
  const detail = h('aside', { id: 'chip-detail', 'aria-live': 'polite', 'aria-label': 'Selected chip' },
    h('p', { class: 'hint' }, 'Select a chip (click, or Enter on a focused chip; arrow keys move) to see its vendor fields, links and history.'));
  replace(main, h('h1', {}, 'Nodes'), form, legend, summary, h('div', { class: 'grid2 nodes' }, h('div', {}, grid, pager), detail));

  let data = null;
  let rows = [];

  // Isolations by node, built once per load: a page draws 2,000 chips.
  let isolationsByNode = new Map();

  function isolation(node, chip) {
    const list = isolationsByNode.get(node);
    return list && list.find((i) => i.chip === chip || i.chip === -1);
  }

  function problem(i) {
    const name = data.nodes[i];
    return data.states[i] !== 'R' || /[^O]/.test(data.health[i]) || isolationsByNode.has(name);
  }

  async function showChip(node, chip) {
    replace(detail, h('h2', {}, `${node} · chip ${chip}`), h('p', {}, 'Loading…'));
    try {
      const [n, hist] = await Promise.all([
        api(`/api/v1/nodes/${encodeURIComponent(node)}`),
        api(`/api/v1/dashboard/nodes/${encodeURIComponent(node)}/history?chip=${chip}&limit=20`),
      ]);
      const c = n.chips.find((x) => x.index === chip) || {};
      const iso = isolation(node, chip);
      const fields = Object.entries(c).filter(([k, v]) => !['links', 'raw', 'index'].includes(k) && (v === null || typeof v !== 'object'));
      replace(detail,
        h('h2', {}, `${node} · chip ${chip}`),
        h('p', {}, healthBadge(c.health), ` node ${n.state}, last report `, timeEl(n.lastReportAt)),
        iso ? h('p', { class: 'iso-note' }, `Isolated${iso.chip === -1 ? ' (whole node)' : ''}${iso.held ? ', held by an admin' : ''}: ${iso.reason}`) : null,
        h('dl', { class: 'facts' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null ? '–' : String(v))])),
        table('Links', ['Link', 'State'], (c.links || []).map((l) => h('tr', {}, h('td', {}, l.name), h('td', {}, l.state)))),
        h('h3', {}, 'History'),
        hist.items.length === 0 ? h('p', { class: 'empty' }, 'No events.')
          : h('ol', { class: 'timeline' }, hist.items.map((e) => h('li', {}, timeEl(e.time), ` ${e.type} `, e.from ? `${e.from} → ` : '', h('strong', {}, e.to || ''), e.reason ? ` — ${e.reason}` : ''))));
    } catch (e) {
      replace(detail, errorBox(e));
    }
  }

  // One prototype cell per look (health, isolated, held), cloned for each chip: cloning is several
  // times cheaper than building each cell's elements; clicks are handled once, on the grid.
  const prototypes = new Map();

  function prototype(code, iso) {
    const key = `${code}${iso ? (iso.held ? 'H' : 'I') : ''}`;
    let cellProto = prototypes.get(key);
    if (!cellProto) {
      const k = HEALTH[code] || HEALTH.U;
      cellProto = h('td', {}, h('button', {
        type: 'button',
        class: `chip h-${code}${iso ? ' iso' : ''}${iso && iso.held ? ' held' : ''}`,
        tabindex: '-1',
      }, h('span', { 'aria-hidden': 'true' }, iso ? (iso.held ? 'H' : '⊘') : k.glyph)));
      prototypes.set(key, cellProto);
    }
    return cellProto;
  }

  function cell(name, i, code, chip) {
    const iso = isolation(name, chip);
    const k = HEALTH[code] || HEALTH.U;
    const label = `${name} chip ${chip}: ${k.word}${iso ? (iso.held ? ', isolated and held' : ', isolated') : ''}`;
    const td = prototype(code, iso).cloneNode(true);
    const button = td.firstChild;
    button.setAttribute('aria-label', label);
    button.title = label;
    button.dataset.node = name;
    button.dataset.chip = chip;
    return td;
  }

  grid.addEventListener('click', (e) => {
    const button = e.target.closest('button.chip');
    if (button) {
      showChip(button.dataset.node, Number(button.dataset.chip));
    }
  });

  function draw() {
    const shown = rows.slice(page * PAGE, (page + 1) * PAGE);
    const width = Math.max(1, ...shown.map((i) => data.health[i].length));
    const body = shown.map((i) => {
      const name = data.nodes[i];
      const nodeIso = (isolationsByNode.get(name) || []).find((x) => x.chip === -1);
      return h('tr', { 'data-node': name },
        h('th', { scope: 'row' }, name, ' ', h('span', { class: `node-state n-${data.states[i]}` }, STATE[data.states[i]] || data.states[i]),
          nodeIso ? h('span', { class: 'iso-note' }, nodeIso.held ? ' node isolated, held' : ' node isolated') : null),
        Array.from({ length: width }, (_, c) => cell(name, i, data.health[i][c] || '-', c)));
    });
    replace(grid, shown.length === 0 ? h('p', { class: 'empty' }, 'No nodes to show.')
      : h('table', { class: 'heatmap', role: 'grid', 'aria-label': `Chips of pool ${pool} by health` },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Node'), Array.from({ length: width }, (_, c) => h('th', { scope: 'col' }, `chip ${c}`)))),
        h('tbody', {}, body)));
    const first = grid.querySelector('button.chip');
    if (first) {
      first.tabIndex = 0;
    }
    const pages = Math.ceil(rows.length / PAGE);
    replace(pager,
      h('button', { type: 'button', disabled: page === 0, onclick: () => { page -= 1; draw(); } }, '← Previous'),
      h('span', {}, ` Nodes ${rows.length === 0 ? 0 : page * PAGE + 1}–${Math.min(rows.length, (page + 1) * PAGE)} of ${rows.length} `),
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => { page += 1; draw(); } }, 'Next →'));
  }

  // Arrow keys move between chips (one tab stop for the whole grid).
  grid.addEventListener('keydown', (e) => {
    const btn = e.target.closest('button.chip');
    if (!btn) {
      return;
    }
    const td = btn.parentElement;
    const tr = td.parentElement;
    const col = [...tr.children].indexOf(td);
    let target = null;
    if (e.key === 'ArrowRight') target = td.nextElementSibling;
    if (e.key === 'ArrowLeft') target = td.previousElementSibling;
    if (e.key === 'ArrowDown' && tr.nextElementSibling) target = tr.nextElementSibling.children[col];
    if (e.key === 'ArrowUp' && tr.previousElementSibling) target = tr.previousElementSibling.children[col];
    const next = target && target.querySelector('button.chip');
    if (next) {
      e.preventDefault();
      btn.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    }
  });

  async function load(first) {
    try {
      data = await (first || api(`/api/v1/dashboard/pools/${encodeURIComponent(pool)}/chips`));
      isolationsByNode = new Map();
      data.isolations.forEach((x) => {
        if (!isolationsByNode.has(x.node)) {
          isolationsByNode.set(x.node, []);
        }
        isolationsByNode.get(x.node).push(x);
      });
      const all = data.nodes.map((_, i) => i);
      rows = problemsOnly ? all.filter(problem) : all;
      const counts = { O: 0, W: 0, F: 0, U: 0 };
      data.health.forEach((s) => [...s].forEach((c) => { counts[c] = (counts[c] || 0) + 1; }));
      const isolatedNodes = data.isolations.filter((i) => i.chip === -1).length;
      const held = data.isolations.filter((i) => i.held).length;
      summary.textContent = `${data.nodes.length} nodes: ${counts.O} chips OK, ${counts.W} WARNING, ${counts.F} FAULT, ${counts.U} UNKNOWN; `
        + `${data.isolations.length} isolations (${isolatedNodes} whole nodes, ${held} held).`;
      if (wanted && page === 0) {
        const at = rows.indexOf(data.nodes.indexOf(wanted));
        page = at > 0 ? Math.floor(at / PAGE) : 0;
      }
      draw();
    } catch (e) {
      replace(grid, errorBox(e));
    }
  }
  await load(early);
  const refresh = debounce(() => load(), 1000);
  return live.subscribe((event) => {
    if (event.type.startsWith('chip.') || event.type.startsWith('node.')) refresh();
  });
}
