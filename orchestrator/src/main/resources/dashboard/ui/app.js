// The dashboard: a router over one page module per page, one live stream, the caller's grants.
import { api } from './api.js';
import { token, forget } from './auth.js';
import { Live } from './sse.js';
import { replace, errorBox } from './dom.js';
import * as overview from './pages/overview.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as nodes from './pages/nodes.js';
import * as promotions from './pages/promotions.js';
import * as endpoints from './pages/endpoints.js';
import * as login from './pages/login.js';

const ROUTES = [
  [/^\/$/, overview, 'Overview'],
  [/^\/jobs$/, jobs, 'Jobs'],
  [/^\/jobs\/([^/]+)$/, job, 'Job'],
  [/^\/nodes$/, nodes, 'Nodes'],
  [/^\/promotions$/, promotions, 'Promotions'],
  [/^\/endpoints$/, endpoints, 'Endpoints'],
  [/^\/endpoints\/([^/]+)$/, endpoints, 'Endpoint'],
  [/^\/login$/, login, 'Log in'],
  [/^\/login\/callback$/, login, 'Log in'],
];

const STATUS = {
  connecting: 'Live: connecting…',
  live: 'Live',
  reconnecting: 'Connection lost: reconnecting…',
  off: '',
};

const main = document.getElementById('main');
const liveStatus = document.getElementById('live');
const live = new Live((status) => {
  liveStatus.textContent = STATUS[status] || '';
  liveStatus.dataset.status = status;
});
let me = null;
let cleanup = null;
let config = null;

export function navigate(path, { replaceState = false } = {}) {
  if (replaceState) {
    history.replaceState(null, '', path);
  } else {
    history.pushState(null, '', path);
  }
  route();
}

async function loadConfig() {
  if (!config) {
    config = await api('/api/v1/dashboard/config');
  }
  return config;
}

async function whoAmI() {
  if (!me) {
    me = await api('/api/v1/me');
    document.getElementById('who').textContent = `${me.name}${me.admin ? ' (admin)' : ''}`;
    document.getElementById('logout').hidden = false;
  }
  return me;
}

function loggedOut() {
  me = null;
  live.stop();
  document.getElementById('who').textContent = '';
  document.getElementById('logout').hidden = true;
}

async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const match = ROUTES.map(([re, page, title]) => [path.match(re), page, title]).find(([m]) => m);
  document.querySelectorAll('#nav a').forEach((a) => {
    const here = a.getAttribute('href') === '/' ? path === '/' : path.startsWith(a.getAttribute('href'));
    if (here) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  if (!match) {
    replace(main, errorBox(new Error('No such page.')));
    return;
  }
  const [m, page, title] = match;
  document.title = `${title} · Baton`;
  const ctx = {
    main, params: m.slice(1).map(decodeURIComponent), query: new URLSearchParams(location.search),
    path, navigate, live, me: null, config: null, resetMe: loggedOut,
  };
  try {
    if (page !== login && !token()) {
      navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replaceState: true });
      return;
    }
    // The login configuration and the caller are independent reads: ask for both at once.
    [ctx.config, ctx.me] = await Promise.all([loadConfig(), page !== login ? whoAmI() : null]);
    if (page !== login) {
      live.start();
    }
    replace(main);
    delete main.dataset.rendered;
    main.setAttribute('aria-busy', 'true');
    cleanup = (await page.render(ctx)) || null;
    // The page's data is on screen: what the dashboard benchmark times a navigation to.
    main.dataset.rendered = path;
  } catch (e) {
    if (e.status !== 401) {
      replace(main, errorBox(e));
    }
  } finally {
    main.removeAttribute('aria-busy');
  }
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
    return;
  }
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//') || a.target) {
    return;
  }
  e.preventDefault();
  navigate(href);
  main.focus({ preventScroll: true });
});

window.addEventListener('popstate', route);
window.addEventListener('baton:unauthorized', () => {
  loggedOut();
  if (!location.pathname.startsWith('/login')) {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replaceState: true });
  }
});
document.getElementById('logout').addEventListener('click', () => {
  forget();
  loggedOut();
  navigate('/login');
});

route();
