// The page's only way to the server: the JSON API of docs/WEB.md. Errors come back as ApiError
// with the server's JSON ({message, param, code}), or code 0 when the server is unreachable.

const TOKEN_KEY = 'kvroute.token';
const CLIENT_KEY = 'kvroute.client';

function newClientId() {
  if (window.crypto && crypto.getRandomValues) {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return String(Math.random()).slice(2, 18);
}

// One id per browser tab: the server allows one what-if run at a time per client.
const clientId = sessionStorage.getItem(CLIENT_KEY) || newClientId();
sessionStorage.setItem(CLIENT_KEY, clientId);

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.param = (body && body.param) || null;
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function api(path, { method = 'GET', body = undefined, timeoutMs = 15000 } = {}) {
  const headers = { Accept: 'application/json', 'X-Kvroute-Client': clientId };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: 'no-store', signal: controller.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { message: controller.signal.aborted ? 'the kvroute server did not answer in time'
                                                               : 'the kvroute server is unreachable' });
  } finally {
    clearTimeout(timer);
  }
  let json = null;
  try { json = await response.json(); } catch { json = { message: `HTTP ${response.status} (not JSON)` }; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}
