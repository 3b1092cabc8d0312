// The dashboard page and script, embedded in the binary (no files to deploy).
// Plain HTML/CSS/JS without libraries: the chart is drawn as inline SVG.
#include "refresh/refresh_api.h"

namespace lakestream::refresh {

const std::string& DashboardHtml() {
  static const std::string html = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lakestream dashboard</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2433; background: #f6f7f9; }
  header { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
  h1 { font-size: 1.4rem; margin: 0; }
  .card { background: #fff; border-radius: 8px; padding: 1rem; margin-top: 1rem;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .badge { padding: .2rem .6rem; border-radius: 999px; font-size: .85rem; }
  .fresh { background: #d9f5e3; color: #14592f; } .stale { background: #fde8cf; color: #8a4b00; }
  .failed { color: #a8071a; } .succeeded { color: #14592f; } .running, .retrying { color: #0b57d0; }
  button { font-size: 1rem; padding: .45rem 1rem; border-radius: 6px; border: 0;
           background: #0b57d0; color: #fff; cursor: pointer; }
  button:disabled { background: #b9c0cc; cursor: not-allowed; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e4e7ec; }
  th { background: #f0f2f5; }
  #progress { font-family: ui-monospace, monospace; font-size: .85rem; white-space: pre-wrap; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
  @media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>Sales dashboard</h1>
  <span>Data as of <strong id="as-of">unknown</strong> <span id="age"></span></span>
  <span id="freshness" class="badge stale">stale</span>
  <button id="refresh-btn" disabled title="">Refresh now</button>
  <span id="refresh-hint"></span>
</header>
<div class="card" id="progress-card" hidden>
  <strong>Refresh <span id="refresh-id"></span>: <span id="state"></span></strong>
  <div id="progress"></div>
</div>
<div class="grid">
  <div class="card"><h2>Chart</h2><div id="chart"></div></div>
  <div class="card"><h2>Errors</h2><ul id="errors"><li>none</li></ul></div>
</div>
<div class="card"><h2>Data <small id="data-info"></small></h2><table id="data-table"></table></div>
<div class="card"><h2>Load history</h2><table id="history"></table></div>
<script src="/dashboard/app.js"></script>
</body>
</html>
)html";
  return html;
}

const std::string& DashboardJs() {
  static const std::string js = R"js('use strict';
// Token: from the URL fragment (#token=...) once, then sessionStorage.
(function takeToken() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) { sessionStorage.setItem('lakestreamToken', decodeURIComponent(m[1])); history.replaceState(null, '', location.pathname); }
})();
const token = () => sessionStorage.getItem('lakestreamToken') || '';
async function api(path, opts = {}) {
  const res = await fetch(path, { ...opts, headers: { 'Authorization': 'Bearer ' + token(), 'Content-Type': 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || ('HTTP ' + res.status));
  return body;
}
const $ = (id) => document.getElementById(id);
const fmtTime = (ms) => ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '-';
function esc(s) { return String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c])); }

let activeRefresh = null;

function renderStatus(s) {
  $('as-of').textContent = s.data_as_of ? fmtTime(s.data_as_of) : 'unknown';
  const ageMin = s.data_as_of ? Math.floor((s.now - s.data_as_of) / 60000) : null;
  $('age').textContent = ageMin === null ? '' : '(' + ageMin + ' min ago)';
  const f = $('freshness');
  f.textContent = s.stale ? 'stale' : 'fresh';
  f.className = 'badge ' + (s.stale ? 'stale' : 'fresh');
  const btn = $('refresh-btn');
  btn.disabled = !s.refresh_allowed || activeRefresh !== null;
  $('refresh-hint').textContent = s.running ? 'a refresh is running'
      : (!s.stale ? 'enabled when the data is older than ' + (s.stale_after_seconds >= 120
          ? Math.round(s.stale_after_seconds / 60) + ' min' : s.stale_after_seconds + ' s') : '');
  if (s.running && !activeRefresh) follow(s.running);
  const hist = s.history.map((r) => '<tr><td>' + r.id + '</td><td>' + esc(r.source) + '</td><td class="' + r.state + '">' + r.state +
      '</td><td>' + esc(r.mode) + '</td><td>' + r.rows_read + '</td><td>' + r.rows_written + '</td><td>' + r.rows_quarantined +
      '</td><td>' + fmtTime(r.started_at) + '</td><td>' + fmtTime(r.finished_at) + '</td><td>' + esc(r.reason) + '</td></tr>');
  $('history').innerHTML = '<tr><th>run</th><th>source</th><th>state</th><th>mode</th><th>read</th><th>written</th>' +
      '<th>quarantined</th><th>started</th><th>finished</th><th>detail</th></tr>' + hist.join('');
  $('errors').innerHTML = s.errors.length
      ? s.errors.map((e) => '<li class="failed">run ' + e.run_id + ' (' + esc(e.source) + ', ' + fmtTime(e.at) + '): ' + esc(e.reason) + '</li>').join('')
      : '<li>none</li>';
}

function renderData(d) {
  $('data-info').textContent = d.table ? '(' + d.rows.length + ' rows, ' + d.table + ' v' + d.version + ')' : '';
  const cols = d.columns.map((c) => c.name);
  $('data-table').innerHTML = '<tr>' + cols.map((c) => '<th>' + esc(c) + '</th>').join('') + '</tr>' +
      d.rows.map((r) => '<tr>' + d.columns.map((c) => '<td>' + esc(cell(r[c.name], c.type)) + '</td>').join('') + '</tr>').join('');
  renderChart(d);
}

// Doubles with two decimals; everything else as the table has it.
function cell(v, type) {
  if (v === null || v === undefined) return '';
  if ((type === 'double' || type === 'float') && typeof v === 'number') {
    return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  return v;
}

// Bars: the first text column as labels, the first numeric column as values.
function renderChart(d) {
  const isNum = (t) => /^(long|integer|short|byte|double|float|decimal)/.test(t);
  const label = d.columns.find((c) => !isNum(c.type));
  const value = d.columns.find((c) => isNum(c.type));
  if (!label || !value || !d.rows.length) { $('chart').textContent = 'no data to chart'; return; }
  const rows = d.rows.slice(0, 20);
  const vals = rows.map((r) => Number(r[value.name]) || 0);
  const max = Math.max(...vals, 1);
  const w = 560, barH = 22, gap = 6, left = 140;
  const bars = rows.map((r, i) => {
    const y = i * (barH + gap), bw = Math.max(1, (vals[i] / max) * (w - left - 80));
    return '<text x="0" y="' + (y + 15) + '" font-size="12">' + esc(r[label.name]) + '</text>' +
        '<rect x="' + left + '" y="' + y + '" width="' + bw.toFixed(1) + '" height="' + barH + '" fill="#0b57d0"></rect>' +
        '<text x="' + (left + bw + 6) + '" y="' + (y + 15) + '" font-size="12">' + vals[i].toLocaleString('en-US', { maximumFractionDigits: 2 }) + '</text>';
  });
  $('chart').innerHTML = '<div>' + esc(value.name) + ' by ' + esc(label.name) + '</div><svg id="chart-svg" width="' + w + '" height="' +
      rows.length * (barH + gap) + '">' + bars.join('') + '</svg>';
}

async function follow(id) {
  activeRefresh = id;
  $('refresh-btn').disabled = true;
  $('progress-card').hidden = false;
  $('refresh-id').textContent = id;
  for (;;) {
    let r;
    try { r = await api('/api/runs/' + id); } catch (e) { $('state').textContent = 'error: ' + e.message; break; }
    $('state').textContent = r.state + (r.state === 'running' ? ' (' + r.phase + ')' : '');
    $('state').className = r.state;
    $('progress').textContent = r.notes.slice(-12).join('\n') + (r.error ? '\nerror: ' + r.error : '');
    if (r.state === 'succeeded' || r.state === 'failed') break;
    await new Promise((ok) => setTimeout(ok, 2000));
  }
  activeRefresh = null;
  await refreshAll();
}

async function refreshAll() {
  try { renderStatus(await api('/api/status')); renderData(await api('/api/data')); }
  catch (e) { $('errors').innerHTML = '<li class="failed">' + esc(e.message) + '</li>'; }
}

$('refresh-btn').addEventListener('click', async () => {
  $('refresh-btn').disabled = true;
  try { const r = await api('/api/refresh', { method: 'POST', body: '{}' }); follow(r.id); }
  catch (e) { $('state').textContent = 'error: ' + e.message; $('progress-card').hidden = false; refreshAll(); }
});
refreshAll();
setInterval(() => { if (!activeRefresh) refreshAll(); }, 5000);
)js";
  return js;
}

}  // namespace lakestream::refresh
