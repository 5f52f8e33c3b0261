// Chart.js (Debian's libjs-chart.js, loaded as a classic script before the modules) with the
// dashboard's look, and number formatting shared by the views.

const Chart = window.Chart;

export const colors = { live: '#2563eb', sim: '#e08a00', whatif: '#c2327a' };
const podPalette = ['#2563eb', '#0d9488', '#7c3aed', '#ea580c', '#db2777', '#65a30d', '#0891b2', '#a16207'];
export const podColor = (i) => podPalette[i % podPalette.length];

if (Chart) {
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#5d6b7e';
  Chart.defaults.borderColor = '#eceff3';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 3;
}

export const chartsAvailable = () => Boolean(Chart);

const clock = (v) => new Date(v * 1000).toLocaleTimeString([], { hour12: false });

/// A line chart over unix time ('clock') or simulated seconds ('seconds').
export function lineChart(canvas, { x = 'clock', unit = '%', max = undefined, legend = false } = {}) {
  if (!Chart) return null;
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 2, tension: 0 } },
      scales: {
        x: { type: 'linear', ticks: { maxTicksLimit: 8, callback: x === 'clock' ? clock : (v) => `${v} s` } },
        y: { beginAtZero: true, suggestedMax: max, max: unit === '%' ? 100 : undefined,
             ticks: { callback: (v) => `${v}${unit === '%' ? ' %' : unit ? ` ${unit}` : ''}` } },
      },
      plugins: {
        legend: { display: legend, position: 'bottom' },
        tooltip: { callbacks: { title: (items) => (items.length ? (x === 'clock' ? clock(items[0].parsed.x) : `${items[0].parsed.x.toFixed(1)} s`) : '') } },
      },
    },
  });
}

export function barChart(canvas, { unit = '%' } = {}) {
  if (!Chart) return null;
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 0, callback(v) { return shortPod(this.getLabelForValue(v)); } } },
        y: { beginAtZero: true, max: unit === '%' ? 100 : undefined, ticks: { callback: (v) => `${v} ${unit}` } },
      },
      plugins: { legend: { display: true, position: 'bottom' } },
    },
  });
}

/// "qwen3-0.6b-decode-1" → "decode-1": pod names share their model prefix.
export function shortPod(name) {
  const m = /(decode-\d+|pod-?\d+)$/.exec(name || '');
  return m ? m[1] : name;
}

export function line(label, color, data, { dashed = false, width = 2, fill = false } = {}) {
  return { label, data, borderColor: color, backgroundColor: `${color}22`, borderDash: dashed ? [6, 4] : [],
           borderWidth: width, fill, spanGaps: false };
}

export function bars(label, color, data) {
  return { label, data, backgroundColor: `${color}cc`, borderColor: color, borderWidth: 1, borderRadius: 3, maxBarThickness: 36 };
}

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
export const pct = (v, digits = 1) => (isNum(v) ? `${(v * 100).toFixed(digits)} %` : '—');
export const ms = (seconds) => (isNum(seconds) ? (seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`) : '—');
export const num = (v, digits = 1) => (isNum(v) ? v.toFixed(digits) : '—');
export const time = (unix) => (isNum(unix) && unix > 0 ? clock(unix) : '—');

/// Δ between two fractions in percentage points, coloured by whether higher is better.
export function delta(el, value, reference, { points = true, higherIsBetter = true, format = pct } = {}) {
  el.textContent = '';
  if (!isNum(value) || !isNum(reference)) return;
  const d = value - reference;
  const span = document.createElement('span');
  const good = higherIsBetter ? d > 0 : d < 0;
  span.className = Math.abs(d) < 1e-9 ? '' : good ? 'up' : 'down';
  span.textContent = points ? `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pt` : `${d >= 0 ? '+' : '−'}${format(Math.abs(d))}`;
  el.append(span, ` vs live scenario (${format(reference)})`);
}
