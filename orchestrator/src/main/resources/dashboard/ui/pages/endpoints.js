// Endpoints: replicas ready of desired, the current revision, which checkpoint served when
// (a timeline of the revisions' periods), the rollouts, and Rollback for maintainers.
import { api, may } from '../api.js';
import { h, replace, time, timeEl, stateBadge, debounce, errorBox, table, short } from '../dom.js';

function timeline(revisions) {
  const periods = revisions.flatMap((r) => (r.served || []).map((s) => ({ r, from: Date.parse(s.from), until: s.until ? Date.parse(s.until) : null, s })));
  if (periods.length === 0) {
    return h('p', { class: 'empty' }, 'No revision has served yet.');
  }
  const now = Date.now();
  const start = Math.min(...periods.map((p) => p.from));
  const span = Math.max(1, now - start);
  const lanes = revisions.slice().sort((a, b) => a.revision - b.revision);
  return h('div', { class: 'timeline-chart', role: 'list', 'aria-label': 'Which checkpoint served when' },
    lanes.map((r) => h('div', { class: 'lane', role: 'listitem' },
      h('span', { class: 'lane-label' }, `rev ${r.revision}${r.current ? ' (current)' : ''}`),
      h('span', { class: 'lane-track' }, (r.served || []).map((s) => {
        const from = Date.parse(s.from);
        const until = s.until ? Date.parse(s.until) : now;
        const bar = h('span', {
          class: `bar${s.until ? '' : ' open'}`,
          title: `revision ${r.revision}, checkpoint ${short(r.checkpointId)}: ${time(s.from)} → ${s.until ? time(s.until) : 'now'}`,
        }, h('span', { class: 'sr' }, `served ${time(s.from)} to ${s.until ? time(s.until) : 'now'}`));
        bar.style.left = `${(100 * (from - start)) / span}%`;
        bar.style.width = `${Math.max(0.8, (100 * (until - from)) / span)}%`;
        return bar;
      })))),
    h('div', { class: 'axis' }, h('span', {}, time(new Date(start).toISOString())), h('span', {}, 'now')));
}

export async function render(ctx) {
  const { main, me, live } = ctx;
  const only = ctx.params[0] || null;
  const list = h('div', { id: 'endpoints-list' });
  replace(main, h('h1', {}, only ? `Endpoint ${only}` : 'Endpoints'), list);

  async function card(e) {
    const [revisions, rollouts] = await Promise.all([
      api(`/api/v1/endpoints/${encodeURIComponent(e.name)}/revisions?limit=50`),
      api(`/api/v1/endpoints/${encodeURIComponent(e.name)}/rollouts?limit=10`),
    ]);
    const box = h('article', { class: 'card endpoint', 'data-endpoint': e.name, 'aria-labelledby': `e-${e.name}` });
    let rollback = null;
    const current = e.currentRevision ? e.currentRevision.revision : null;
    const others = revisions.items.filter((r) => r.revision !== current);
    if (may(me, 'maintainer', e.team) && current !== null && others.length > 0 && !e.rollout) {
      const select = h('select', { id: `rb-${e.name}` },
        h('option', { value: '' }, 'the one before'),
        others.map((r) => h('option', { value: r.revision }, `revision ${r.revision} (checkpoint ${short(r.checkpointId)})`)));
      rollback = h('form', { class: 'actions', 'aria-label': `Roll back ${e.name}` },
        h('label', { for: `rb-${e.name}` }, 'Roll back to'), ' ', select, ' ',
        h('button', { type: 'submit', class: 'danger' }, 'Rollback'));
      rollback.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await api(`/api/v1/endpoints/${encodeURIComponent(e.name)}/rollback`, {
            method: 'POST', body: select.value ? { revision: Number(select.value) } : {},
          });
          await load();
        } catch (err) {
          box.append(errorBox(err));
        }
      });
    }
    replace(box,
      h('h2', { id: `e-${e.name}` }, h('a', { href: `/endpoints/${encodeURIComponent(e.name)}` }, e.name), ' ', stateBadge(e.state)),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Replicas ready'), h('dd', { 'data-field': 'replicas' }, `${e.replicas.ready} of ${e.replicas.desired}`),
        h('dt', {}, 'Current revision'), h('dd', { 'data-field': 'revision' }, e.currentRevision
          ? [`${e.currentRevision.revision} — checkpoint ${short(e.currentRevision.checkpointId)} of job `, h('a', { href: `/jobs/${e.currentRevision.jobId}` }, short(e.currentRevision.jobId))]
          : 'none'),
        h('dt', {}, 'Pool'), h('dd', {}, e.pool),
        h('dt', {}, 'Team'), h('dd', {}, e.team || '–'),
        h('dt', {}, 'Rollout in flight'), h('dd', {}, e.rollout ? `${e.rollout.kind} to revision ${e.rollout.revision}: ${e.rollout.state}` : 'none')),
      rollback,
      h('h3', {}, 'Revisions: which checkpoint served when'),
      timeline(revisions.items),
      table('Revisions, newest first', ['Revision', 'Checkpoint', 'Job', 'Served'], revisions.items.map((r) => h('tr', {},
        h('td', {}, `${r.revision}${r.current ? ' (current)' : ''}`), h('td', {}, h('code', {}, short(r.checkpointId))),
        h('td', {}, h('a', { href: `/jobs/${r.jobId}` }, short(r.jobId))),
        h('td', {}, (r.served || []).map((s) => h('div', {}, timeEl(s.from), ' → ', s.until ? timeEl(s.until) : 'now')))))),
      h('h3', {}, 'Rollouts'),
      table('Rollouts, newest first', ['Kind', 'Revision', 'State', 'By', 'Started', 'Reason'], rollouts.items.map((r) => h('tr', { class: 'rollout' },
        h('td', {}, r.kind), h('td', {}, `${r.fromRevision ?? '–'} → ${r.revision}`), h('td', {}, stateBadge(r.state)),
        h('td', {}, r.actor), h('td', {}, timeEl(r.createdAt)), h('td', { class: 'reason' }, r.reason || '')))));
    return box;
  }

  async function load() {
    try {
      const items = only ? [await api(`/api/v1/endpoints/${encodeURIComponent(only)}`)] : (await api('/api/v1/endpoints?limit=50')).items;
      const cards = await Promise.all(items.map(card));
      replace(list, cards.length === 0 ? h('p', { class: 'empty' }, 'No endpoints.') : cards);
    } catch (e) {
      replace(list, errorBox(e));
    }
  }
  await load();
  const refresh = debounce(load, 500);
  return live.subscribe((event) => { if (event.type.startsWith('endpoint.') || event.type.startsWith('promotion.')) refresh(); });
}
