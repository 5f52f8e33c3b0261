// The What-if view: the scenario's main knobs as a form built from GET /api/scenarios/NAME, Run
// as POST /api/run (the server validates exactly as the CLI's --set does and names the field at
// fault), and the results drawn beside the live scenario's simulation.
//
// Shareable links: #whatif?scenario=default&vllm.block_size=32&run=1 fills the form and runs it.

import { api } from './api.js';
import { bars, barChart, colors, delta, isNum, line, lineChart, ms, pct, podColor, shortPod } from './charts.js';

const $ = (id) => document.getElementById(id);

/// The form's text as the JSON value the API takes: numbers as numbers, "" and "null" as null.
function jsonValue(text, knob) {
  const t = text.trim();
  if (t === '' || t === 'null') return knob && knob.type === 'optional_int' ? null : t;
  if (knob && (knob.type === 'enum' || knob.type === 'string')) return t;
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}
const shown = (v) => (v === null || v === undefined ? '' : String(v));

export class WhatIfView {
  constructor({ onCompare }) {
    this.onCompare = onCompare;
    this.knobs = [];
    this.extra = {};      // keys set by a link that are not on the form
    this.result = null;
    this.baseline = null;
    this.running = false;
    this.charts = {
      hit: lineChart($('chart-whatif-hit'), { x: 'seconds', legend: false }),
      pod: barChart($('chart-whatif-pod')),
      share: barChart($('chart-whatif-share')),
      kv: lineChart($('chart-whatif-kv'), { x: 'seconds', legend: true }),
      ttft: lineChart($('chart-whatif-ttft'), { x: 'seconds', unit: 'ms' }),
    };
    $('whatif-form').addEventListener('submit', (e) => { e.preventDefault(); this.run(); });
    $('whatif-scenario').addEventListener('change', () => this.loadScenario($('whatif-scenario').value));
    $('compare-btn').addEventListener('click', () => this.result && this.onCompare(this.result.results));
  }

  async init() {
    const list = await api('/api/scenarios');
    $('whatif-scenario').replaceChildren(...list.scenarios.map((s) => {
      const o = document.createElement('option');
      o.value = s.name;
      o.textContent = s.name === 'current' ? 'current (the live one)' : s.name;
      o.title = s.description;
      return o;
    }));
    await this.loadScenario('current');
  }

  async loadScenario(name) {
    const s = await api(`/api/scenarios/${encodeURIComponent(name)}`);
    $('whatif-scenario').value = name;
    $('whatif-description').textContent = s.description;
    this.knobs = s.knobs;
    $('whatif-fields').replaceChildren(...s.knobs.map((k) => this.field(k)));
    this.updateLink();
  }

  field(k) {
    const label = document.createElement('label');
    label.className = 'field';
    label.dataset.key = k.key;
    const name = document.createElement('span');
    name.textContent = k.key;
    let input;
    if (k.type === 'enum' || (k.allowed && k.allowed.length)) {
      input = document.createElement('select');
      for (const v of k.allowed) { const o = document.createElement('option'); o.value = v; o.textContent = v; input.append(o); }
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.inputMode = 'decimal';
      input.spellcheck = false;
      if (k.type === 'optional_int') input.placeholder = 'auto';
    }
    input.name = k.key;
    input.value = shown(k.value);
    input.dataset.original = shown(k.value);
    input.addEventListener('input', () => { label.classList.remove('invalid'); err.textContent = ''; this.updateLink(); });
    input.addEventListener('change', () => this.updateLink());
    const help = document.createElement('small');
    const range = isNum(k.min) || isNum(k.max) ? ` [${shown(k.min)}…${shown(k.max)}]` : '';
    help.textContent = `${k.help}${k.unit ? ` (${k.unit})` : ''}${k.allowed ? '' : range}`;
    const err = document.createElement('div');
    err.className = 'err';
    label.append(name, input, help, err);
    return label;
  }

  /// The overrides: every knob changed from the scenario's value, plus a link's other keys.
  overrides() {
    const set = { ...this.extra };
    for (const k of this.knobs) {
      const input = document.querySelector(`#whatif-fields [name="${CSS.escape(k.key)}"]`);
      if (input && input.value !== input.dataset.original) set[k.key] = jsonValue(input.value, k);
    }
    return set;
  }

  linkFor(run) {
    const params = new URLSearchParams();
    params.set('scenario', $('whatif-scenario').value || 'current');
    for (const [k, v] of Object.entries(this.overrides())) params.set(k, v === null ? 'null' : String(v));
    if (run) params.set('run', '1');
    return `#whatif?${params.toString()}`;
  }

  updateLink() { $('share-link').href = this.linkFor(true); }

  /// Fills the form from a link's parameters and runs it when run=1.
  async applyLink(params) {
    const scenario = params.get('scenario') || 'current';
    if (scenario !== $('whatif-scenario').value || !this.knobs.length) {
      try { await this.loadScenario(scenario); } catch (e) { this.status('error', e.message); return; }
    }
    this.extra = {};
    for (const [key, value] of params) {
      if (key === 'scenario' || key === 'run') continue;
      const input = document.querySelector(`#whatif-fields [name="${CSS.escape(key)}"]`);
      if (input) {
        // A link may carry a value the list lacks: keep it, so the server says what is wrong.
        if (input.tagName === 'SELECT' && ![...input.options].some((o) => o.value === value)) {
          const o = document.createElement('option');
          o.value = value;
          o.textContent = value;
          input.append(o);
        }
        input.value = value;
      } else {
        this.extra[key] = jsonValue(value, null);
      }
    }
    this.updateLink();
    if (params.get('run') === '1' && !this.running) await this.run();
  }

  status(state, text) {
    const el = $('whatif-status');
    el.dataset.state = state;
    el.textContent = text;
  }

  async run() {
    if (this.running) return;
    this.running = true;
    $('run-btn').disabled = true;
    for (const f of document.querySelectorAll('#whatif-fields .field')) { f.classList.remove('invalid'); f.querySelector('.err').textContent = ''; }
    const started = performance.now();
    const tick = setInterval(() => this.status('running', `Simulating… ${((performance.now() - started) / 1000).toFixed(1)} s`), 200);
    this.status('running', 'Simulating…');
    const body = { scenario: $('whatif-scenario').value || 'current', set: this.overrides() };
    try {
      const answer = await api('/api/run', { method: 'POST', body, timeoutMs: 600000 });
      this.result = answer;
      history.replaceState(null, '', this.linkFor(false));
      this.updateLink();
      const r = answer.results;
      this.status('done', `Done in ${answer.wall_time_s.toFixed(2)} s: ${r.requests_completed} requests over ${r.simulated_seconds.toFixed(0)} simulated s.`);
      $('compare-btn').disabled = false;
      this.render();
    } catch (e) {
      this.status('error', e.message);
      const key = e.param && e.param.startsWith('set.') ? e.param.slice(4) : e.param;
      const field = key && document.querySelector(`#whatif-fields .field[data-key="${CSS.escape(key)}"]`);
      if (field) { field.classList.add('invalid'); field.querySelector('.err').textContent = e.message; }
    } finally {
      clearInterval(tick);
      this.running = false;
      $('run-btn').disabled = false;
    }
  }

  setBaseline(results) { this.baseline = results; if (this.result) this.render(); }

  render() {
    const r = this.result && this.result.results;
    if (!r) return;
    const b = this.baseline;
    $('whatif-hit-rate').textContent = pct(r.hit_rate);
    $('whatif-cached').textContent = pct(r.cached_prompt_fraction);
    $('whatif-ttft').textContent = ms(r.ttft_s.p90);
    $('whatif-sticky').textContent = pct(r.stickiness);
    delta($('whatif-hit-delta'), r.hit_rate, b && b.hit_rate);
    delta($('whatif-cached-delta'), r.cached_prompt_fraction, b && b.cached_prompt_fraction);
    delta($('whatif-ttft-delta'), r.ttft_s.p90, b && b.ttft_s.p90, { points: false, higherIsBetter: false, format: ms });
    delta($('whatif-sticky-delta'), r.stickiness, b && b.stickiness);

    const pts = (res, f) => (res ? res.timeseries.points.map((p) => ({ x: p.t, y: isNum(f(p)) ? f(p) : null })) : []);
    if (this.charts.hit) {
      this.charts.hit.data.datasets = [
        line('what-if (cumulative)', colors.whatif, pts(r, (p) => p.cumulative_hit_rate * 100)),
        line('what-if (per interval)', colors.whatif, pts(r, (p) => p.hit_rate * 100), { width: 1 }),
        line('live scenario (cumulative)', colors.sim, pts(b, (p) => p.cumulative_hit_rate * 100), { dashed: true }),
      ];
      this.charts.hit.data.datasets[1].borderColor = `${colors.whatif}55`;
      this.charts.hit.update('none');
    }
    const names = r.pods.map((p) => p.name);
    const total = (res) => res.pods.reduce((s, p) => s + p.requests, 0) || 1;
    const podBars = (chart, f) => {
      if (!chart) return;
      chart.data.labels = names;
      const ds = [bars('what-if', colors.whatif, r.pods.map((p) => f(p, r) * 100))];
      if (b) ds.push(bars('live scenario', colors.sim, names.map((_, i) => (b.pods[i] ? f(b.pods[i], b) * 100 : null))));
      chart.data.datasets = ds;
      chart.update('none');
    };
    podBars(this.charts.pod, (p) => p.hit_rate);
    podBars(this.charts.share, (p, res) => p.requests / total(res));
    if (this.charts.kv) {
      this.charts.kv.data.datasets = names.map((n, i) => line(shortPod(n), podColor(i), pts(r, (p) => p.pod_kv_cache_usage[i] * 100), { width: 1.5 }));
      this.charts.kv.update('none');
    }
    if (this.charts.ttft) {
      this.charts.ttft.data.datasets = [line('what-if', colors.whatif, pts(r, (p) => (p.first_tokens > 0 ? p.ttft_p90 * 1000 : NaN))),
                                        line('live scenario', colors.sim, pts(b, (p) => (p.first_tokens > 0 ? p.ttft_p90 * 1000 : NaN)), { dashed: true })];
      this.charts.ttft.update('none');
    }
    $('whatif-notes').replaceChildren(...r.warnings.map((w) => { const li = document.createElement('li'); li.textContent = w; return li; }));
  }
}
