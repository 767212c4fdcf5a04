// Jobs: the list with filters (state, team, pool) and paging, newest first; why waiting jobs wait.
import { api, query } from '../api.js';
import { h, replace, timeEl, stateBadge, debounce, errorBox, table, num } from '../dom.js';

const STATES = ['QUEUED', 'ADMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED'];
const WAITING = ['QUEUED', 'ADMITTED'];
const LIMIT = 50;

export async function render(ctx) {
  const { main, navigate, live } = ctx;
  const filters = { state: ctx.query.get('state') || '', team: ctx.query.get('team') || '', pool: ctx.query.get('pool') || '' };
  const cursors = [];
  let cursor = null;
  // The pools (for the filter) and the first page are read at once.
  const first = api(`/api/v1/jobs${query({ ...filters, limit: LIMIT })}`);
  first.catch(() => {});
  const pools = (await api('/api/v1/pools?limit=100')).items.map((p) => p.name);

  const select = (id, label, options, value) => h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name: id }, h('option', { value: '' }, 'any'),
      options.map((o) => h('option', { value: o, selected: o === value }, o))));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter jobs' },
    select('state', 'State', STATES, filters.state),
    h('div', { class: 'field' }, h('label', { for: 'team' }, 'Team'),
      h('input', { id: 'team', name: 'team', value: filters.team, autocomplete: 'off' })),
    select('pool', 'Pool', pools, filters.pool),
    h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    navigate(`/jobs${query({ state: data.get('state'), team: data.get('team').trim(), pool: data.get('pool') })}`);
  });
  const list = h('div', { id: 'jobs-list' });
  const prev = h('button', { type: 'button', disabled: true }, '← Newer');
  const next = h('button', { type: 'button', disabled: true }, 'Older →');
  const pageInfo = h('span', { class: 'page-info' });
  replace(main, h('h1', {}, 'Jobs'), form, list, h('nav', { class: 'pager', 'aria-label': 'Pages of jobs' }, prev, pageInfo, next));

  async function load(early) {
    try {
      const page = await (early || api(`/api/v1/jobs${query({ ...filters, limit: LIMIT, cursor })}`));
      const rows = page.items.map((j) => h('tr', { 'data-job': j.id },
        h('td', {}, h('a', { href: `/jobs/${j.id}` }, j.spec.name)),
        h('td', {}, j.spec.team),
        h('td', {}, j.spec.pool),
        h('td', {}, stateBadge(j.state)),
        h('td', {}, j.progress ? `${num(j.progress.step)}${j.progress.totalSteps ? ` / ${num(j.progress.totalSteps)}` : ''}` : '–'),
        h('td', {}, String(j.restarts + (j.infraRestarts || 0))),
        h('td', {}, timeEl(j.createdAt)),
        h('td', { class: 'why' }, WAITING.includes(j.state) ? (j.pendingReason || j.reason || '') : (j.reason || ''))));
      replace(list, page.items.length === 0
        ? h('p', { class: 'empty' }, 'No jobs match.')
        : table('Jobs, newest first', ['Name', 'Team', 'Pool', 'State', 'Step', 'Restarts', 'Created', 'Why (waiting: what it waits for)'], rows, { class: 'jobs' }));
      next.disabled = !page.nextCursor;
      next.onclick = () => { cursors.push(cursor); cursor = page.nextCursor; load(); };
      prev.disabled = cursors.length === 0;
      prev.onclick = () => { cursor = cursors.pop(); load(); };
      pageInfo.textContent = `Page ${cursors.length + 1}`;
    } catch (e) {
      replace(list, errorBox(e));
    }
  }
  await load(first);
  const refresh = debounce(() => { if (cursors.length === 0) load(); }, 500);
  return live.subscribe((event) => { if (event.type.startsWith('job.')) refresh(); });
}
