// Log in with an API token, or through the identity provider (authorization code + PKCE).
import { api } from '../api.js';
import { setToken, forget, startOidc, finishOidc } from '../auth.js';
import { h, replace, errorBox } from '../dom.js';

function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export async function render(ctx) {
  const { main, config, query, navigate } = ctx;
  const next = safeNext(query.get('next'));
  if (ctx.path === '/login/callback') {
    replace(main, h('h1', {}, 'Logging in…'));
    try {
      const back = await finishOidc(config.oidc, query);
      ctx.resetMe();
      navigate(safeNext(back), { replaceState: true });
    } catch (e) {
      replace(main, h('h1', {}, 'Log in'), errorBox(e), h('p', {}, h('a', { href: '/login' }, 'Try again')));
    }
    return null;
  }
  const message = h('div', { 'aria-live': 'polite' });
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
  });
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title' },
    h('label', { for: 'token' }, 'API token'),
    input,
    h('p', { class: 'hint' }, 'Kept in this tab only (session storage) and sent as a bearer token.'),
    h('button', { type: 'submit' }, 'Log in with token'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    try {
      await api('/api/v1/me');
      ctx.resetMe();
      navigate(next, { replaceState: true });
    } catch (err) {
      forget();
      replace(message, errorBox(err.status === 401 ? new Error('That token is not valid.') : err));
    }
  });
  replace(main, h('h1', { id: 'login-title' }, 'Log in to Baton'), form, message);
  if (config.oidc) {
    const host = new URL(config.oidc.issuer).host;
    main.append(h('p', {}, h('button', {
      type: 'button',
      id: 'oidc-login',
      onclick: () => startOidc(config.oidc, next).catch((err) => replace(message, errorBox(err))),
    }, `Log in with your identity provider (${host})`)));
  }
  input.focus();
  return null;
}
