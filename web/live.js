// The Live view: Prometheus's numbers (GET /api/live, polled) beside the simulation of the same
// scenario (GET /api/baseline), and optionally a what-if run ("Compare with live").
//
// The simulation has no common clock with the live cluster, so it is drawn as what it is: the
// whole run's figure, a flat reference line next to the live windowed rate.

import { api } from './api.js';
import { bars, barChart, colors, isNum, line, lineChart, ms, num, pct, podColor, shortPod } from './charts.js';

const HISTORY = 1800; // snapshots kept in the page (an hour at 2 s)

const $ = (id) => document.getElementById(id);

/// Live pods and simulated pods side by side: by name, else (names differ) in order.
function alignPods(livePods, simPods) {
  const simByName = new Map(simPods.map((p) => [p.name, p]));
  const sameNames = livePods.some((p) => simByName.has(p.pod));
  const names = livePods.length ? livePods.map((p) => p.pod) : simPods.map((p) => p.name);
  if (!sameNames) for (let i = livePods.length; i < simPods.length; ++i) names.push(simPods[i].name);
  if (sameNames) for (const p of simPods) if (!names.includes(p.name)) names.push(p.name);
  return names.map((name, i) => ({
    name,
    live: livePods.find((p) => p.pod === name) || null,
    sim: sameNames ? simByName.get(name) || null : simPods[i] || null,
  }));
}

const share = (results, pod) => {
  if (!results || !pod) return NaN;
  const total = results.pods.reduce((s, p) => s + p.requests, 0);
  return total > 0 ? pod.requests / total : NaN;
};

export class LiveView {
  constructor() {
    this.snapshots = [];
    this.last = 0;
    this.state = null;
    this.baseline = null;
    this.compare = null;
    this.timeScale = 1;
    this.charts = {
      hit: lineChart($('chart-hit')),
      podHit: barChart($('chart-pod-hit')),
      share: barChart($('chart-share')),
      queue: lineChart($('chart-queue'), { unit: '', legend: true }),
      kv: lineChart($('chart-kv'), { legend: true }),
      ttft: lineChart($('chart-ttft'), { unit: 'ms' }),
    };
  }

  /// One poll of /api/live; throws ApiError when the kvroute server itself fails.
  async refresh() {
    const answer = await api(`/api/live?since=${this.last}`);
    this.state = answer;
    for (const s of answer.snapshots) {
      if (s.time > this.last) {
        this.snapshots.push(s);
        this.last = s.time;
      }
    }
    if (this.snapshots.length > HISTORY) this.snapshots.splice(0, this.snapshots.length - HISTORY);
    this.render();
    return answer;
  }

  setBaseline(results) { this.baseline = results; this.render(); }
  setCompare(results) { this.compare = results; this.render(); }

  render() {
    const latest = this.snapshots[this.snapshots.length - 1] || null;
    const base = this.baseline;
    const cmp = this.compare;
    for (const el of document.querySelectorAll('#view-live .whatif-only')) el.hidden = !cmp;

    // Cards. Prometheus counts requests per wall second; the simulation per simulated second,
    // which the pods' time scale turns into wall seconds.
    $('live-hit-rate').textContent = latest ? pct(latest.hit_rate) : '—';
    $('sim-hit-rate').textContent = base ? pct(base.hit_rate) : 'running…';
    $('cmp-hit-rate').textContent = cmp ? pct(cmp.hit_rate) : '—';
    $('live-rps').textContent = latest && isNum(latest.requests_per_s) ? num(latest.requests_per_s, 2) : '—';
    $('sim-rps').textContent = base ? num(base.throughput.requests_per_s / this.timeScale, 2) : '—';
    $('live-ttft').textContent = latest ? ms(latest.ttft_p90) : '—';
    $('sim-ttft').textContent = base ? ms(base.ttft_s.p90) : '—';
    $('live-sticky').textContent = latest ? pct(latest.stickiness) : '—';
    $('sim-sticky').textContent = base ? pct(base.stickiness) : '—';

    // Cluster hit rate over time, with the simulation's figure as a reference line.
    const now = Date.now() / 1000;
    const xs = this.snapshots.map((s) => s.time);
    const x0 = xs.length ? xs[0] : now - 60;
    const x1 = xs.length ? Math.max(xs[xs.length - 1], x0 + 10) : now;
    const flat = (v) => (isNum(v) ? [{ x: x0, y: v * 100 }, { x: x1, y: v * 100 }] : []);
    const series = (f) => this.snapshots.map((s) => ({ x: s.time, y: isNum(f(s)) ? f(s) : null }));
    if (this.charts.hit) {
      const ds = [line('live', colors.live, series((s) => s.hit_rate * 100), { fill: true }),
                  line('simulated', colors.sim, flat(base && base.hit_rate), { dashed: true })];
      if (cmp) ds.push(line('what-if', colors.whatif, flat(cmp.hit_rate), { dashed: true }));
      this.charts.hit.data.datasets = ds;
      this.charts.hit.options.scales.x.min = x0;
      this.charts.hit.options.scales.x.max = x1;
      this.charts.hit.update('none');
    }

    const pods = alignPods(latest ? latest.pods : [], base ? base.pods : []);
    const cmpPods = cmp ? alignPods(latest ? latest.pods : [], cmp.pods) : [];
    const labels = pods.map((p) => p.name);
    const podBars = (chart, liveOf, simOf, cmpOf) => {
      if (!chart) return;
      const ds = [bars('live', colors.live, pods.map((p) => (p.live && isNum(liveOf(p.live)) ? liveOf(p.live) * 100 : null))),
                  bars('simulated', colors.sim, pods.map((p) => (p.sim ? simOf(p.sim, base) * 100 : null)))];
      if (cmp) ds.push(bars('what-if', colors.whatif, pods.map((p, i) => (cmpPods[i] && cmpPods[i].sim ? cmpOf(cmpPods[i].sim, cmp) * 100 : null))));
      chart.data.labels = labels;
      chart.data.datasets = ds;
      chart.update('none');
    };
    podBars(this.charts.podHit, (l) => l.hit_rate, (s) => s.hit_rate, (s) => s.hit_rate);
    podBars(this.charts.share, (l) => l.request_share, (s, r) => share(r, s), (s, r) => share(r, s));

    // Per-pod gauges over time.
    const podNames = latest ? latest.pods.map((p) => p.pod) : [];
    const perPod = (chart, f, scale) => {
      if (!chart) return;
      chart.data.datasets = podNames.map((name, i) => line(shortPod(name), podColor(i), this.snapshots.map((s) => {
        const p = s.pods.find((q) => q.pod === name);
        return { x: s.time, y: p && isNum(f(p)) ? f(p) * scale : null };
      }), { width: 1.5 }));
      chart.options.scales.x.min = x0;
      chart.options.scales.x.max = x1;
      chart.update('none');
    };
    perPod(this.charts.queue, (p) => p.waiting, 1);
    perPod(this.charts.kv, (p) => p.kv_cache_usage, 100);
    if (this.charts.ttft) {
      this.charts.ttft.data.datasets = [line('live', colors.live, series((s) => s.ttft_p90 * 1000)),
                                        line('simulated', colors.sim, base ? [{ x: x0, y: base.ttft_s.p90 * 1000 }, { x: x1, y: base.ttft_s.p90 * 1000 }] : [], { dashed: true })];
      this.charts.ttft.options.scales.x.min = x0;
      this.charts.ttft.options.scales.x.max = x1;
      this.charts.ttft.update('none');
    }

    // The table and Prometheus's notes (what is missing and why).
    const tbody = $('pod-table').tBodies[0];
    tbody.replaceChildren(...pods.map((p) => {
      const tr = document.createElement('tr');
      const cells = [shortPod(p.name), pct(p.live && p.live.hit_rate), pct(p.sim && p.sim.hit_rate),
                     pct(p.live && p.live.request_share), pct(share(base, p.sim)),
                     num(p.live && p.live.waiting, 0), num(p.live && p.live.running, 0), pct(p.live && p.live.kv_cache_usage)];
      for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.append(td); }
      tr.firstChild.title = p.name;
      return tr;
    }));
    const notes = latest ? latest.notes : [];
    $('notes').replaceChildren(...notes.map((n) => { const li = document.createElement('li'); li.textContent = n; return li; }));
  }
}

