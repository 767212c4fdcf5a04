// Overview: per pool, chips by health, chips in use, queue, running and recovering jobs,
// isolations and yesterday-to-now goodput; the newest events.
import { api } from '../api.js';
import { h, replace, timeEl, num, debounce, errorBox, table } from '../dom.js';

export async function render(ctx) {
  const { main, live } = ctx;
  const pools = h('div', { id: 'pools', class: 'cards' });
  const events = h('section', { 'aria-labelledby': 'h-events' });
  replace(main, h('h1', {}, 'Overview'), pools, events);

  async function load() {
    try {
      // One answer: the pools, their goodput since yesterday (the ledger, read at most 30 s ago)
      // and the newest events.
      const overview = await api('/api/v1/dashboard/overview?events=20');
      replace(pools, overview.pools.map((p) => {
        const c = p.capacity;
        const ok = c.chipsTotal - c.chipsWarning - c.chipsFault - c.chipsUnknown;
        const g = p.goodput;
        const share = g && g.allocated > 0 ? `${num((100 * g.productive) / g.allocated)} % productive of ${num(g.allocated / 3600, 2)} chip-hours` : 'no chip time';
        return h('article', { class: 'card', 'aria-labelledby': `pool-${p.name}`, 'data-pool': p.name },
          h('h2', { id: `pool-${p.name}` }, h('a', { href: `/nodes?pool=${encodeURIComponent(p.name)}` }, p.name), h('span', { class: 'role' }, ` ${p.role.toLowerCase()} · ${p.accelerator}`)),
          h('dl', { class: 'facts' },
            h('dt', {}, 'Nodes'), h('dd', {}, `${c.nodes} (${c.nodesByState.READY || 0} ready, ${c.nodesByState.LOST || 0} lost, ${c.nodesByState.NEW || 0} new)`),
            h('dt', {}, 'Chips by health'), h('dd', { class: 'health-line' },
              h('span', { class: 'badge h-O' }, `✓ ${ok} OK`), ' ', h('span', { class: 'badge h-W' }, `! ${c.chipsWarning} WARNING`), ' ',
              h('span', { class: 'badge h-F' }, `✕ ${c.chipsFault} FAULT`), ' ', h('span', { class: 'badge h-U' }, `? ${c.chipsUnknown} UNKNOWN`)),
            h('dt', {}, 'Chips in use'), h('dd', { 'data-field': 'in-use' }, `${p.chipsInUse} of ${c.chipsSchedulable} schedulable`),
            h('dt', {}, 'Queue depth'), h('dd', { 'data-field': 'queued' }, h('a', { href: `/jobs?pool=${encodeURIComponent(p.name)}&state=QUEUED` }, String(p.jobs.QUEUED || 0))),
            h('dt', {}, 'Running'), h('dd', { 'data-field': 'running' }, h('a', { href: `/jobs?pool=${encodeURIComponent(p.name)}&state=RUNNING` }, String(p.jobs.RUNNING || 0))),
            h('dt', {}, 'Recovering'), h('dd', { 'data-field': 'recovering' }, String(p.jobs.RECOVERING || 0)),
            h('dt', {}, 'Isolated'), h('dd', {}, `${c.chipsIsolated} chips (${c.nodesIsolated} whole nodes)`),
            h('dt', {}, 'Goodput, yesterday and today'), h('dd', {}, share)));
      }));
      replace(events, h('h2', { id: 'h-events' }, 'Recent events'),
        overview.events.length === 0 ? h('p', { class: 'empty' }, 'No events yet.')
          : table('Newest first', ['When', 'Event', 'Subject', 'Change', 'By', 'Reason'], overview.events.map((e) => h('tr', {},
            h('td', {}, timeEl(e.time)), h('td', {}, e.type),
            h('td', {}, e.jobId ? h('a', { href: `/jobs/${e.jobId}` }, e.subject) : e.subject),
            h('td', {}, `${e.from ? `${e.from} → ` : ''}${e.to || ''}`), h('td', {}, e.actor), h('td', { class: 'reason' }, e.reason || '')))));
    } catch (e) {
      replace(pools, errorBox(e));
    }
  }
  await load();
  const refresh = debounce(load, 750);
  return live.subscribe(() => refresh());
}
