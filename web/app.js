// kvroute dashboard: routing between the Live and What-if views, the polling loops and the
// connection state. The page never goes blank: every failure ends in the banner or the status
// strip, and the loops keep retrying.

import { ApiError, api, setToken } from './api.js';
import { chartsAvailable, time } from './charts.js';
import { LiveView } from './live.js';
import { WhatIfView } from './whatif.js';

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let info = null;
let lastError = null; // {text, at}

function setConnection(state, text) {
  $('conn').dataset.state = state;
  $('conn-text').textContent = text;
}

function showBanner(title, text) {
  $('banner-title').textContent = title;
  $('banner-text').textContent = text;
  $('banner').hidden = false;
}

function noteError(text, at) {
  lastError = { text, at: at || Date.now() / 1000 };
  const el = $('last-error');
  el.textContent = `Last error (${time(lastError.at)}): ${text}`;
  el.title = text;
  el.classList.add('has-error');
}

function needToken() {
  $('auth').hidden = false;
  setConnection('unauthorized', 'Token needed');
}

/// An error of our own server (not of Prometheus): unreachable, refused token, rate limited.
function serverTrouble(e) {
  if (e instanceof ApiError && e.status === 401) { needToken(); return; }
  const text = e.status === 0 ? e.message : `the kvroute server answered ${e.status}: ${e.message}`;
  setConnection('server-down', e.status === 0 ? 'Server unreachable' : 'Server error');
  showBanner(e.status === 0 ? 'The kvroute server is unreachable' : 'The kvroute server refused a request', `${text}. Retrying…`);
  noteError(text);
}

function route(live, whatIf) {
  const hash = location.hash || '#live';
  const [view, query] = hash.slice(1).split('?');
  const isWhatIf = view === 'whatif';
  $('view-live').hidden = isWhatIf;
  $('view-whatif').hidden = !isWhatIf;
  $('tab-live').classList.toggle('active', !isWhatIf);
  $('tab-whatif').classList.toggle('active', isWhatIf);
  if (isWhatIf && query) whatIf.ready.then(() => whatIf.applyLink(new URLSearchParams(query)));
  // Charts drawn while hidden have no size; let them measure again.
  window.dispatchEvent(new Event('resize'));
}

async function loadInfo() {
  for (;;) {
    try {
      info = await api('/api/info');
      $('auth').hidden = true;
      $('version').textContent = info.version;
      const src = info.live.configured
        ? `Prometheus: ${info.live.source} · window ${info.live.window}${info.live.selector ? ` · ${info.live.selector}` : ''}`
        : 'No Prometheus configured (start with --stack DIR or --prometheus URL)';
      $('source').textContent = `Scenario: ${info.scenario.label} · ${src}${info.time_scale !== 1 ? ` · time scale ${info.time_scale}` : ''}`;
      return info;
    } catch (e) {
      serverTrouble(e);
      await sleep(2000);
    }
  }
}

async function pollBaseline(live, whatIf) {
  for (;;) {
    try {
      const b = await api('/api/baseline');
      if (b.state === 'done') { live.setBaseline(b.results); whatIf.setBaseline(b.results); return; }
      if (b.state === 'error') { noteError(`baseline simulation: ${b.error}`); $('sim-hit-rate').textContent = 'failed'; return; }
    } catch (e) {
      if (e.status === 401) needToken();
    }
    await sleep(1000);
  }
}

async function pollLive(live) {
  const interval = Math.max(500, ((info.live && info.live.interval_s) || 2) * 1000);
  for (;;) {
    const started = Date.now();
    try {
      const s = await live.refresh();
      if (s.state === 'ok') {
        setConnection('ok', 'Live');
        $('banner').hidden = true;
      } else if (s.state === 'error') {
        setConnection('error', 'Prometheus unreachable');
        const good = s.last_success_time ? ` Last good data at ${time(s.last_success_time)}.` : '';
        showBanner('Prometheus is not answering', `${s.last_error.replace(/[.\s]*$/, '.')} Retrying every ${s.interval_s} s.${good}`);
      } else if (s.state === 'off') {
        setConnection('off', 'No Prometheus');
        $('banner').hidden = true;
      } else {
        setConnection('connecting', 'Connecting…');
      }
      if (s.last_error && (!lastError || s.last_error_time > lastError.at)) noteError(s.last_error, s.last_error_time);
      $('updated').textContent = s.last_success_time ? `Updated ${time(s.last_success_time)}` : '';
    } catch (e) {
      serverTrouble(e);
    }
    await sleep(Math.max(200, interval - (Date.now() - started)));
  }
}

function main() {
  window.addEventListener('error', (e) => noteError(`page error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => noteError(`page error: ${e.reason && e.reason.message ? e.reason.message : e.reason}`));
  if (!chartsAvailable()) noteError('Chart.js did not load: numbers only');
  $('auth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    setToken($('auth-token').value.trim());
    $('auth-token').value = '';
    location.reload();
  });

  const live = new LiveView();
  const whatIf = new WhatIfView({
    onCompare: (results) => { live.setCompare(results); location.hash = '#live'; },
  });
  whatIf.ready = (async () => {
    for (;;) {
      try { await whatIf.init(); return; } catch (e) { if (e.status === 401) needToken(); await sleep(2000); }
    }
  })();
  window.addEventListener('hashchange', () => route(live, whatIf));
  route(live, whatIf);

  loadInfo().then((i) => {
    live.timeScale = i.time_scale || 1;
    pollBaseline(live, whatIf);
    pollLive(live);
  });
}

main();
