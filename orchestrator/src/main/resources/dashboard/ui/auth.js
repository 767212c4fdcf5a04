// The caller's token, kept for this browser tab's session only, and OIDC login with PKCE.
const TOKEN = 'baton.token';
const PKCE = 'baton.pkce';

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN, value);
}

export function forget() {
  sessionStorage.removeItem(TOKEN);
}

function base64url(bytes) {
  let text = '';
  bytes.forEach((b) => { text += String.fromCharCode(b); });
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

function redirectUri() {
  return `${location.origin}/login/callback`;
}

/** Sends the browser to the identity provider: authorization code with an S256 PKCE challenge. */
export async function startOidc(oidc, returnTo) {
  const verifier = random(48);
  const state = random(16);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(oidc.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', oidc.scopes);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', base64url(new Uint8Array(digest)));
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

/** Trades the code the provider sent back (with the verifier only this tab holds) for a token. */
export async function finishOidc(oidc, params) {
  const saved = JSON.parse(sessionStorage.getItem(PKCE) || 'null');
  sessionStorage.removeItem(PKCE);
  if (params.get('error')) {
    throw new Error(`The identity provider refused the login: ${params.get('error_description') || params.get('error')}`);
  }
  if (!saved || !params.get('state') || params.get('state') !== saved.state) {
    throw new Error('This login answer does not belong to a login started in this tab; log in again.');
  }
  const response = await fetch(oidc.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code') || '',
      redirect_uri: redirectUri(),
      client_id: oidc.clientId,
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) {
    throw new Error(`The identity provider did not issue a token (HTTP ${response.status}).`);
  }
  const tokens = await response.json();
  const jwt = [tokens.access_token, tokens.id_token].find((t) => typeof t === 'string' && t.split('.').length === 3);
  if (!jwt) {
    throw new Error('The identity provider answered without a JWT access or ID token.');
  }
  setToken(jwt);
  return saved.returnTo || '/';
}
