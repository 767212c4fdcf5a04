// Job: state timeline, placement, progress and loss curve, restarts, stragglers, checkpoints, logs.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { api, may, ApiError } from '../api.js';
import { h, replace, timeEl, stateBadge, duration, num, debounce, errorBox, table, short } from '../dom.js';

const ACTIVE = ['ADMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING'];
const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const TAIL = 100;

/**
 * The recent step rate (steps per second) of one rank's series: over its newest 30 s of the current
 * attempt (its steps since the last time they went back, i.e. since the last restart).
 */
function stepRate(points) {
  const byTime = points.slice().sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  let start = byTime.length - 1;
  while (start > 0 && byTime[start - 1].step < byTime[start].step) {
    start -= 1;
  }
  const attempt = byTime.slice(start);
  if (attempt.length < 2) {
    return null;
  }
  const last = attempt[attempt.length - 1];
  const end = Date.parse(last.time);
  const first = attempt.find((p) => Date.parse(p.time) >= end - 30000) || attempt[0];
  const seconds = (end - Date.parse(first.time)) / 1000;
  return seconds > 0 ? (last.step - first.step) / seconds : null;
}

/** A restart's cause, checkpoint and steps lost, read from its event's reason. */
function restart(reason) {
  const cause = reason.split(/[;:]/)[0];
  const from = reason.match(/resuming from step (\d+)/);
  const lost = reason.match(/(\d+) steps? lost/);
  return { cause, step: from ? Number(from[1]) : null, lost: lost ? Number(lost[1]) : null };
}

export async function render(ctx) {
  const { main, me, live } = ctx;
  const id = ctx.params[0];
  const sections = {
    head: h('div', { id: 'job-head' }),
    progress: h('section', { 'aria-labelledby': 'h-progress' }),
    chart: h('div', { id: 'loss-chart', class: 'chart', role: 'img', 'aria-label': 'Loss curve' }),
    placement: h('section', { 'aria-labelledby': 'h-placement' }),
    timeline: h('section', { 'aria-labelledby': 'h-timeline' }),
    restarts: h('section', { 'aria-labelledby': 'h-restarts' }),
    stragglers: h('section', { 'aria-labelledby': 'h-stragglers' }),
    checkpoints: h('section', { 'aria-labelledby': 'h-checkpoints' }),
    logs: h('section', { 'aria-labelledby': 'h-logs' }),
  };
  let job;
  try {
    job = await api(`/api/v1/jobs/${encodeURIComponent(id)}`);
  } catch (e) {
    replace(main, h('h1', {}, 'Job'), errorBox(e instanceof ApiError && e.status === 404 ? new Error(`No job with id '${id}'.`) : e));
    return null;
  }
  replace(main, sections.head,
    h('div', { class: 'grid2' }, h('div', {}, sections.progress, sections.chart), sections.placement),
    sections.timeline, sections.restarts, sections.stragglers, sections.checkpoints, sections.logs);
  let plot = null;

  function drawHead() {
    const canCancel = may(me, 'member', job.spec.team) && !FINAL.includes(job.state) && job.state !== 'CANCELLING';
    const cancel = canCancel ? h('button', {
      type: 'button',
      class: 'danger',
      onclick: async (e) => {
        e.target.disabled = true;
        // A cancel that meets another change of the job (409 concurrent-change) is sent again:
        // cancelling is idempotent.
        for (let tries = 1; ; tries += 1) {
          try {
            job = await api(`/api/v1/jobs/${id}/cancel`, { method: 'POST' });
            drawHead();
            return;
          } catch (err) {
            const concurrent = err.problem && /concurrent-change$/.test(err.problem.type || '');
            if (!concurrent || tries >= 5) {
              sections.head.append(errorBox(err));
              return;
            }
          }
        }
      },
    }, 'Cancel job') : null;
    replace(sections.head,
      h('h1', {}, job.spec.name, ' ', stateBadge(job.state)),
      h('p', { class: 'meta' },
        `id ${job.id} · team ${job.spec.team} · pool ${job.spec.pool} · ${job.spec.nodes} × ${job.spec.chipsPerNode} chips · attempt ${job.attempt}`),
      h('p', { id: 'job-reason' }, ['QUEUED', 'ADMITTED'].includes(job.state) && job.pendingReason ? `Waiting: ${job.pendingReason}` : job.reason || ''),
      cancel);
  }

  function drawPlacement() {
    const chips = job.spec.chipsPerNode;
    const rows = job.placement.map((p) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `/nodes?pool=${encodeURIComponent(job.spec.pool)}&node=${encodeURIComponent(p.node)}` }, p.node)),
      h('td', {}, h('span', { class: 'chips' },
        Array.from({ length: Math.max(chips, ...p.chips.map((c) => c + 1)) }, (_, i) => (p.chips.includes(i)
          ? h('span', { class: 'chip used', title: `chip ${i}: this job's` }, String(i))
          : h('span', { class: 'chip free', title: `chip ${i}: not this job's` }, '·')))))));
    replace(sections.placement, h('h2', { id: 'h-placement' }, 'Placement'),
      rows.length === 0 ? h('p', { class: 'empty' }, 'Not placed.')
        : table(`${job.placement.length} nodes × ${chips} chips`, ['Node', 'Chips (numbers: this job\'s)'], rows, { class: 'placement' }));
  }

  async function drawProgress() {
    const series = await api(`/api/v1/jobs/${id}/progress`);
    const ranks = [...new Set(series.points.map((p) => p.rank))].sort((a, b) => a - b);
    const points = series.points.filter((p) => p.rank === ranks[0]);
    const newest = points.reduce((a, p) => (!a || Date.parse(p.time) >= Date.parse(a.time) ? p : a), null);
    const last = newest || job.progress;
    const total = last && last.totalSteps;
    const rate = stepRate(points);
    const eta = total && rate && !FINAL.includes(job.state) ? duration((total - last.step) / rate) : '–';
    replace(sections.progress, h('h2', { id: 'h-progress' }, 'Progress'),
      last ? h('div', {},
        h('p', { id: 'job-step' }, `Step ${num(last.step)}${total ? ` of ${num(total)}` : ''}`),
        total ? h('progress', { max: total, value: last.step, 'aria-label': 'Steps done' }) : null,
        h('dl', { class: 'facts' },
          h('dt', {}, 'ETA'), h('dd', { id: 'job-eta' }, eta),
          h('dt', {}, 'Steps/s (recent)'), h('dd', {}, rate ? num(rate) : '–'),
          h('dt', {}, 'Loss'), h('dd', {}, num(last.loss)),
          h('dt', {}, 'Samples/s'), h('dd', {}, num(last.samplesPerSec)))) : h('p', { class: 'empty' }, 'No progress reported yet.'));
    const data = [points.map((p) => p.step), points.map((p) => p.loss ?? null), points.map((p) => p.samplesPerSec ?? null)];
    sections.chart.dataset.points = String(points.length);
    sections.chart.setAttribute('aria-label', `Loss curve: ${points.length} points${last ? `, latest loss ${num(last.loss)} at step ${last.step}` : ''}`);
    if (points.length === 0) {
      return;
    }
    if (!plot) {
      plot = new uPlot({
        width: Math.max(320, sections.chart.clientWidth || 560),
        height: 240,
        title: 'Loss and samples/s by step',
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: 'loss', scale: 'loss' }, { label: 'samples/s', scale: 'sps', side: 1, grid: { show: false } }],
        series: [{ label: 'step' },
          { label: 'loss', scale: 'loss', stroke: '#1f6feb', width: 2 },
          { label: 'samples/s', scale: 'sps', stroke: '#b35900', dash: [6, 4], width: 1 }],
      }, data, sections.chart);
    } else {
      plot.setData(data);
    }
  }

  async function drawEvents() {
    const events = (await api(`/api/v1/jobs/${id}/events?limit=500`)).items;
    const restarts = events.filter((e) => e.type === 'job.restart');
    const stragglers = events.filter((e) => e.type === 'job.straggler');
    replace(sections.timeline, h('h2', { id: 'h-timeline' }, 'State timeline'),
      h('ol', { class: 'timeline' }, events.filter((e) => e.type === 'job.state' || e.type === 'promotion.state').map((e) => h('li', {},
        timeEl(e.time), ' ', e.type === 'promotion.state' ? 'promotion ' : '', e.from ? `${e.from} → ` : '', h('strong', {}, e.to),
        ` by ${e.actor}`, e.reason ? h('span', { class: 'reason' }, ` — ${e.reason}`) : null))));
    replace(sections.restarts, h('h2', { id: 'h-restarts' }, `Restarts (${job.restarts} application, ${job.infraRestarts || 0} infrastructure; ${num(job.stepsLost || 0)} steps lost)`),
      restarts.length === 0 ? h('p', { class: 'empty' }, 'No restarts.')
        : table('Restarts', ['When', 'Cause', 'Resumed from step', 'Steps lost', 'Reason'], restarts.map((e) => {
          const r = restart(e.reason || '');
          return h('tr', { class: 'restart' }, h('td', {}, timeEl(e.time)), h('td', {}, r.cause), h('td', {}, r.step ?? '–'),
            h('td', {}, r.lost ?? '–'), h('td', { class: 'reason' }, e.reason));
        })));
    replace(sections.stragglers, h('h2', { id: 'h-stragglers' }, 'Stragglers'),
      stragglers.length === 0 ? h('p', { class: 'empty' }, 'None found.')
        : h('ul', {}, stragglers.map((e) => h('li', {}, timeEl(e.time), ` ${e.reason}`))));
  }

  async function drawCheckpoints() {
    const items = (await api(`/api/v1/checkpoints?jobId=${id}&limit=50`)).items;
    replace(sections.checkpoints, h('h2', { id: 'h-checkpoints' }, 'Checkpoints'),
      items.length === 0 ? h('p', { class: 'empty' }, 'None yet.')
        : table('Checkpoints, newest first', ['Step', 'Metrics', 'Verified', 'Promoted', 'Reported', 'Id'], items.map((c) => h('tr', {},
          h('td', {}, num(c.step)),
          h('td', {}, Object.entries(c.metrics || {}).map(([k, v]) => `${k} ${num(v)}`).join(', ') || '–'),
          h('td', {}, c.verified === null ? 'not yet' : (c.verified ? 'yes' : 'NO')),
          h('td', {}, c.promoted ? 'yes' : 'no'),
          h('td', {}, timeEl(c.reportedAt)),
          h('td', {}, h('code', {}, short(c.id)))))));
  }

  const logs = [];
  function drawLogShells() {
    const ranks = job.spec.nodes;
    replace(sections.logs, h('h2', { id: 'h-logs' }, `Logs (last ${TAIL} lines of each rank, live)`),
      Array.from({ length: ranks }, (_, r) => {
        logs[r] = h('pre', { class: 'log', id: `log-${r}`, tabindex: '0', 'aria-label': `Rank ${r} log` });
        return h('details', { open: r < 2 }, h('summary', {}, `Rank ${r}`), logs[r]);
      }));
  }
  async function drawLogs() {
    await Promise.all(logs.map(async (pre, r) => {
      try {
        const text = await api(`/api/v1/jobs/${id}/logs?rank=${r}&tail=${TAIL}`, { text: true });
        const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.textContent = text || '(no output yet)';
        if (atEnd) {
          pre.scrollTop = pre.scrollHeight;
        }
      } catch (e) {
        pre.textContent = job.attempt === 0 ? '(not launched yet)' : `(no log: ${e.message})`;
      }
    }));
  }

  async function refreshAll() {
    job = await api(`/api/v1/jobs/${id}`);
    drawHead();
    drawPlacement();
    await Promise.all([drawProgress(), drawEvents(), drawCheckpoints(), drawLogs()]);
  }

  drawHead();
  drawPlacement();
  drawLogShells();
  await Promise.all([drawProgress(), drawEvents(), drawCheckpoints(), drawLogs()]).catch((e) => main.append(errorBox(e)));

  const onEvent = debounce(() => refreshAll().catch(() => {}), 300);
  const unsubscribe = live.subscribe((event) => { if (event.jobId === id) onEvent(); });
  // Progress and logs are no events: while the job holds chips they are read every 2 s.
  const timer = setInterval(() => {
    if (ACTIVE.includes(job.state)) {
      Promise.all([drawProgress(), drawLogs()]).catch(() => {});
    }
  }, 2000);
  return () => {
    unsubscribe();
    clearInterval(timer);
    if (plot) {
      plot.destroy();
    }
  };
}

