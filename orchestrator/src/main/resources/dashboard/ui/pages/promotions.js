// Promotions: each with its gates, verdicts and evidence; Approve / Reject for maintainers.
import { api, may, query } from '../api.js';
import { h, replace, timeEl, stateBadge, num, debounce, errorBox, table, short } from '../dom.js';

const STATES = ['PENDING', 'VERIFYING', 'CONVERTING', 'EVALUATING', 'PARITY', 'AWAITING_APPROVAL', 'ROLLING_OUT', 'ACTIVE', 'REJECTED', 'ROLLED_BACK'];
const VERDICT = { PASSED: '✓', FAILED: '✕', SKIPPED: '–', RUNNING: '…', WAITING: '⏸' };
const LIMIT = 20;

/** A gate's evidence in words: measured against what was required where the gate compares. */
function evidence(gate) {
  const e = gate.evidence || {};
  if (gate.name === 'PARITY' && e.maxAbsError !== undefined) {
    return h('ul', { class: 'evidence' },
      h('li', {}, `max abs error ${num(e.maxAbsError)} vs tolerance ${num(e.absTolerance)} ${e.maxAbsError <= e.absTolerance ? '(within)' : '(OVER)'}`),
      e.maxRelError !== undefined ? h('li', {}, `max rel error ${num(e.maxRelError)} vs tolerance ${num(e.relTolerance)} ${e.maxRelError <= e.relTolerance ? '(within)' : '(OVER)'}`) : null,
      h('li', {}, `${e.outputs ?? '–'} of ${e.goldenInputs ?? '–'} golden inputs answered on ${e.node || '–'}`));
  }
  if (gate.name === 'EVALUATING' && e.checks) {
    return h('ul', { class: 'evidence' }, Object.entries(e.checks).map(([metric, c]) => h('li', {},
      `${metric} ${num(c.value)}`,
      c.min !== null && c.min !== undefined ? ` ≥ min ${num(c.min)}` : '',
      c.max !== null && c.max !== undefined ? ` ≤ max ${num(c.max)}` : '',
      c.passed ? ' ✓ passed' : ' ✕ failed')));
  }
  const scalars = Object.entries(e).filter(([, v]) => v === null || typeof v !== 'object');
  return scalars.length === 0 ? '–'
    : h('ul', { class: 'evidence' }, scalars.map(([k, v]) => h('li', {}, `${k}: ${typeof v === 'number' ? num(v) : String(v)}`)));
}

export async function render(ctx) {
  const { main, me, navigate, live } = ctx;
  const state = ctx.query.get('state') || '';
  const cursors = [];
  let cursor = null;
  const teams = {};
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter promotions' },
    h('div', { class: 'field' }, h('label', { for: 'pstate' }, 'State'),
      h('select', { id: 'pstate', name: 'state' }, h('option', { value: '' }, 'any'), STATES.map((s) => h('option', { value: s, selected: s === state }, s)))),
    h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (e) => { e.preventDefault(); navigate(`/promotions${query({ state: form.state.value })}`); });
  const list = h('div', { id: 'promotions-list' });
  const prev = h('button', { type: 'button', disabled: true }, '← Newer');
  const next = h('button', { type: 'button', disabled: true }, 'Older →');
  replace(main, h('h1', {}, 'Promotions'), form, list, h('nav', { class: 'pager', 'aria-label': 'Pages of promotions' }, prev, next));

  async function teamOf(p) {
    if (!(p.jobId in teams)) {
      teams[p.jobId] = api(`/api/v1/jobs/${p.jobId}`).then((j) => j.spec.team).catch(() => null);
    }
    return teams[p.jobId];
  }

  async function decide(p, verdict, box) {
    try {
      await api(`/api/v1/promotions/${p.id}/${verdict}`, { method: 'POST', body: {} });
      await load();
    } catch (e) {
      box.append(errorBox(e));
    }
  }

  async function card(p) {
    const box = h('article', { class: 'card promotion', 'data-promotion': p.id, 'aria-labelledby': `p-${p.id}` });
    let actions = null;
    if (p.state === 'AWAITING_APPROVAL' && may(me, 'maintainer', await teamOf(p))) {
      actions = h('p', { class: 'actions' },
        h('button', { type: 'button', onclick: () => decide(p, 'approve', box) }, 'Approve'), ' ',
        h('button', { type: 'button', class: 'danger', onclick: () => decide(p, 'reject', box) }, 'Reject'));
    }
    replace(box,
      h('h2', { id: `p-${p.id}` }, `${p.endpoint} ← checkpoint ${short(p.checkpointId)} `, stateBadge(p.state)),
      h('p', { class: 'meta' }, `promotion ${short(p.id)} · job `, h('a', { href: `/jobs/${p.jobId}` }, short(p.jobId)),
        ` · trigger ${p.trigger} · by ${p.actor} · `, timeEl(p.createdAt), p.revision ? ` · revision ${p.revision}` : ''),
      p.reason ? h('p', {}, p.reason) : null,
      actions,
      table('Gates', ['Gate', 'Verdict', 'Started', 'Ended', 'Evidence'], (p.gates || []).map((g) => h('tr', {},
        h('th', { scope: 'row' }, g.name),
        h('td', {}, h('span', { class: `verdict v-${(g.verdict || '').toLowerCase()}` }, h('span', { 'aria-hidden': 'true' }, `${VERDICT[g.verdict] || ''} `), g.verdict)),
        h('td', {}, timeEl(g.startedAt)), h('td', {}, timeEl(g.endedAt)),
        h('td', {}, evidence(g))))));
    return box;
  }

  async function load() {
    try {
      const page = await api(`/api/v1/promotions${query({ state, limit: LIMIT, cursor })}`);
      const cards = await Promise.all(page.items.map(card));
      replace(list, cards.length === 0 ? h('p', { class: 'empty' }, 'No promotions.') : cards);
      next.disabled = !page.nextCursor;
      next.onclick = () => { cursors.push(cursor); cursor = page.nextCursor; load(); };
      prev.disabled = cursors.length === 0;
      prev.onclick = () => { cursor = cursors.pop(); load(); };
    } catch (e) {
      replace(list, errorBox(e));
    }
  }
  await load();
  const refresh = debounce(load, 500);
  return live.subscribe((event) => { if (event.type.startsWith('promotion.')) refresh(); });
}
