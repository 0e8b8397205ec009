'use strict';

// The sample page in cookie mode (README.md beside the project):
// - the refresh token lives in an HttpOnly, Secure, SameSite=Strict __Host- cookie: this script never sees it;
// - the access token lives only in the variable below: not in a cookie, not in localStorage or sessionStorage, where any
//   script on the origin (an injected one included) could read it; a reload forgets it and the page refreshes to get one;
// - every state-changing call (refresh, logout) sends the anti-CSRF token in the X-CSRF-Token header: the server compares it
//   with its __Host- CSRF cookie (double submit), and a cross-site page can neither read that cookie nor set the header.
(() => {
  const routes = {
    signIn: '/signin',
    me: '/api/me',
    orders: '/api/orders',
    refresh: '/auth/refresh',
    logout: '/auth/logout',
    sessions: '/auth/sessions',
  };
  const csrfHeader = 'X-CSRF-Token';
  const csrfCookie = '__Host-jws-csrf';
  const cookieMode = { 'X-Session-Transport': 'cookie' };

  let accessToken = null;
  let csrfToken = null;
  let sequence = 0;

  const $ = (id) => document.getElementById(id);

  function readCookie(name) {
    const prefix = name + '=';
    const found = document.cookie.split('; ').find((c) => c.startsWith(prefix));
    return found ? decodeURIComponent(found.slice(prefix.length)) : null;
  }

  function csrf() {
    return csrfToken ?? readCookie(csrfCookie) ?? '';
  }

  function setTokens(json) {
    accessToken = json && json.access_token ? json.access_token : null;
    if (json && json.csrf_token) {
      csrfToken = json.csrf_token;
    }
    $('token-state').textContent = accessToken ? 'held in memory' : 'none';
  }

  function forget() {
    accessToken = null;
    csrfToken = null;
    $('token-state').textContent = 'none';
  }

  function show(action, status, text) {
    const result = $('result');
    $('result-body').textContent = text;
    result.dataset.action = action;
    result.dataset.status = String(status);
    result.dataset.seq = String(++sequence);
    const item = document.createElement('li');
    item.className = status >= 200 && status < 300 ? 'ok' : 'error';
    item.textContent = `${new Date().toLocaleTimeString()} ${action}: ${status || 'failed'}`;
    $('log').prepend(item);
  }

  // Calls the API and shows the answer: the status, the WWW-Authenticate challenge if any (it says why a token was refused:
  // error="invalid_token" with "expired" means refresh, anything else means sign in), and the JSON body.
  async function call(action, url, init) {
    let status = 0;
    let json = null;
    let text;
    try {
      const response = await fetch(url, { credentials: 'same-origin', ...init });
      status = response.status;
      const raw = await response.text();
      try {
        json = raw ? JSON.parse(raw) : null;
      } catch {
        json = null;
      }
      const challenge = response.headers.get('WWW-Authenticate');
      text = (challenge ? `WWW-Authenticate: ${challenge}\n` : '') + (json ? JSON.stringify(json, null, 2) : raw || '(no body)');
    } catch (error) {
      text = `${error.name}: ${error.message}`;
    }
    show(action, status, text);
    return { status, json };
  }

  function bearer() {
    return accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
  }

  async function signIn(event) {
    event.preventDefault();
    const { status, json } = await call('sign-in', routes.signIn, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...cookieMode },
      body: JSON.stringify({ userName: $('username').value, password: $('password').value }),
    });
    $('password').value = '';
    if (status === 200) {
      setTokens(json);
    }
  }

  async function refresh() {
    const { status, json } = await call('refresh', routes.refresh, {
      method: 'POST',
      headers: { [csrfHeader]: csrf(), ...cookieMode },
    });
    if (status === 200) {
      setTokens(json);
    } else {
      forget();
    }
  }

  async function logOut() {
    const { status } = await call('logout', routes.logout, {
      method: 'POST',
      headers: { [csrfHeader]: csrf(), ...cookieMode, ...bearer() },
    });
    if (status >= 200 && status < 300) {
      forget();
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('signin-form').addEventListener('submit', signIn);
    $('call-me').addEventListener('click', () => call('me', routes.me, { headers: bearer() }));
    $('call-orders').addEventListener('click', () => call('orders', routes.orders, { headers: bearer() }));
    $('create-order').addEventListener('click', () => call('create-order', routes.orders, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [csrfHeader]: csrf(), ...bearer() },
      body: JSON.stringify({ item: 'coffee' }),
    }));
    $('sessions').addEventListener('click', () => call('sessions', routes.sessions, { headers: bearer() }));
    $('refresh').addEventListener('click', refresh);
    $('logout').addEventListener('click', logOut);
  });
})();
