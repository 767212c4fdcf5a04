// Every call to the API: same origin, the caller's bearer token, problem documents as errors.
import { token, forget } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = 'GET', body, text = false } = {}) {
  const headers = { Accept: text ? 'text/plain' : 'application/json' };
  const bearer = token();
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (response.status === 401) {
    forget();
    window.dispatchEvent(new CustomEvent('baton:unauthorized'));
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch (e) {
      problem = null;
    }
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) {
    return null;
  }
  return text ? response.text() : response.json();
}

export function query(params) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, v);
    }
  });
  const s = q.toString();
  return s ? `?${s}` : '';
}

const RANK = { viewer: 1, member: 2, maintainer: 3 };

/** Whether the caller holds {@code role} (or more) in {@code team}; the API stays the authority. */
export function may(me, role, team) {
  if (!me) {
    return false;
  }
  if (me.admin) {
    return true;
  }
  return me.grants.some((g) => g.team === team && (RANK[g.role] || 0) >= RANK[role]);
}
