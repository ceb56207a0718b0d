/**
 * The approval console: one static HTML page with an inline script, served on the admin port. The
 * approver's API key (or OIDC token) lives only in a password field and is sent as a bearer header on
 * each call: no cookie, so no CSRF. Every value from an action is attacker-controlled and is rendered
 * with textContent, never as HTML; the CSP allows only this page's own script and style by hash. An
 * approval held in a tainted session shows what the session read (server, tool, findings, age), and the
 * session taints are listed with a Clear button (docs/session-taint.md).
 */
import { createHash } from 'node:crypto';

const STYLE = `
html{-webkit-text-size-adjust:100%}
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#111}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
td>pre.short{max-height:12rem;overflow:auto}
details>summary{cursor:pointer;color:#035;overflow-wrap:anywhere}
#status{padding:4px 0;min-height:1.4em}.err{color:#a00}.ok{color:#060}
#warnings p{background:#fff4d6;border:1px solid #d9a400;padding:6px 8px;margin:.5rem 0}
footer{margin-top:2rem;color:#555;font-size:12px}
button{margin:2px;min-height:2.2rem;padding:0 .8rem}input{max-width:100%;box-sizing:border-box}
#key{width:24rem}input.reason{width:12rem}
time{white-space:nowrap}
@media (max-width:760px){
body{margin:.75rem}
#key{width:100%}
table,thead,tbody,tr,td{display:block;width:100%;box-sizing:border-box}
thead{display:none}
tr{border:1px solid #bbb;border-radius:4px;margin:0 0 .8rem;padding:4px 6px}
td{border:none;padding:3px 0}
td[data-label]::before{content:attr(data-label);display:block;font-size:12px;font-weight:600;color:#555}
td.decide{display:flex;flex-wrap:wrap;gap:4px;align-items:center}
td.decide input.reason{flex:1 1 100%;width:100%}
td.decide button{flex:1 1 40%}
}
`;

const SCRIPT = `
'use strict';
const $ = (id) => document.getElementById(id);
const status = (text, ok) => { const s = $('status'); s.textContent = text; s.className = ok ? 'ok' : 'err'; };
// Column labels, for the stacked layout of narrow screens.
const labels = (tableId) => Array.from($(tableId).closest('table').querySelectorAll('thead th')).map((th) => th.textContent);
const cell = (row, value, pre, label) => {
  const td = document.createElement('td');
  if (label) td.dataset.label = label;
  const el = pre ? document.createElement('pre') : td;
  el.textContent = value === null || value === undefined ? '' : String(value);
  if (pre) { el.className = 'short'; td.appendChild(el); }
  row.appendChild(td);
  return td;
};
// Long values: the first line, and the whole text on demand (never clipped).
const details = (row, value, label) => {
  const td = cell(row, '', false, label);
  const text = value === null || value === undefined ? '' : String(value);
  const d = document.createElement('details');
  const sum = document.createElement('summary');
  sum.textContent = text.split('\\n')[0].slice(0, 80) + (text.length > 80 || text.includes('\\n') ? ' …' : '');
  const pre = document.createElement('pre');
  pre.textContent = text;
  d.append(sum, pre);
  td.appendChild(d);
  return td;
};
// Times in the approver's own zone, with the UTC instant on hover and how far away it is.
const when = (row, ms, label) => {
  const td = cell(row, '', false, label);
  const t = document.createElement('time');
  const d = new Date(ms);
  t.dateTime = d.toISOString();
  t.title = d.toISOString();
  const mins = Math.round((ms - Date.now()) / 60000);
  const abs = Math.abs(mins);
  const span = abs < 90 ? abs + ' min' : abs < 2880 ? Math.round(abs / 60) + ' h' : Math.round(abs / 1440) + ' d';
  const rel = mins === 0 ? 'now' : mins > 0 ? 'in ' + span : span + ' ago';
  t.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) + ' (' + rel + ')';
  td.appendChild(t);
  return td;
};
const call = async (method, path, body) => {
  const key = $('key').value.trim();
  const headers = { 'content-type': 'application/json' };
  if (key !== '') headers['authorization'] = 'Bearer ' + key;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  return { status: res.status, data };
};
const clear = (id) => { const t = $(id); while (t.firstChild) t.removeChild(t.firstChild); return t; };
const warnings = async () => {
  const r = await call('GET', '/readyz');
  const box = clear('warnings');
  for (const w of (r.data && r.data.warnings) || []) { const p = document.createElement('p'); p.textContent = w; box.appendChild(p); }
};
const decide = async (id, verdict, reasonInput) => {
  const r = await call('POST', '/api/approvals/' + encodeURIComponent(id) + '/' + verdict, { reason: reasonInput.value });
  // Reload first, so the confirmation is what stays on screen.
  if (r.status === 200) { await load(); status((verdict === 'approve' ? 'approved ' : 'denied ') + id, true); }
  else status(r.status + ': ' + ((r.data && r.data.error) || 'refused'), false);
};
// Clears the taints of a session (every key of one record, or the keys an approval was held under).
const clearTaint = async (keys, reasonInput) => {
  const r = await call('POST', '/api/taints/clear', { keys, reason: reasonInput.value });
  if (r.status === 200) { await load(); status('cleared ' + keys.join(', '), true); }
  else status(r.status + ': ' + ((r.data && r.data.error) || 'refused'), false);
};
// One line per tainting read: server, what was read, findings, and how long ago (all attacker-influenced: text only).
const sourcesText = (sources) => sources.map((s) => s.server + ' ' + s.method + ' ' + s.tool + '\\n  ' + s.findings.join(', ') + '\\n  read ' + ago(s.at)).join('\\n');
const ago = (ms) => { const m = Math.max(0, Math.round((Date.now() - ms) / 60000)); return m < 90 ? m + ' min ago' : m < 2880 ? Math.round(m / 60) + ' h ago' : Math.round(m / 1440) + ' d ago'; };
const release = async (key) => {
  const r = await call('POST', '/api/quarantines/release', { key, reason: 'released from the console' });
  if (r.status === 200) { await load(); status('released ' + key, true); }
  else status(r.status + ': ' + ((r.data && r.data.error) || 'refused'), false);
};
const load = async () => {
  await warnings();
  const a = await call('GET', '/api/approvals?limit=100');
  const body = clear('approvals');
  clear('decisions');
  clear('quarantines');
  clear('taints');
  if (a.status !== 200) { status(a.status + ': ' + ((a.data && a.data.error) || 'sign in with an approver key'), false); return; }
  $('who').textContent = a.data.approver;
  const L = labels('approvals');
  for (const ap of a.data.approvals) {
    const row = document.createElement('tr');
    row.dataset.id = ap.id;
    row.className = 'approval ' + ap.status;
    cell(row, ap.id, false, L[0]);
    cell(row, ap.status, false, L[1]);
    cell(row, (ap.agent || '') + '\\n' + ap.subject, true, L[2]);
    cell(row, ap.action.method + ' ' + ap.action.host + ap.action.path + '\\n' + ap.action.tool + ' (' + ap.action.operation + ')', true, L[3]);
    details(row, ap.action.arguments, L[4]);
    cell(row, ap.findings.map((f) => f.id + ' ' + f.severity + ' ' + f.path + ' x' + f.occurrences).join('\\n'), true, L[5]);
    details(row, 'rules: ' + ap.rules.join(', ') + '\\ntrace: ' + ap.traceId + '\\npolicy: ' + ap.policyVersion, L[6]).classList.add('trace');
    const taint = cell(row, ap.taint ? 'session ' + ap.taint.keys.join(', ') + '\\n' + sourcesText(ap.taint.sources) : '', true, L[7]);
    taint.classList.add('taint');
    when(row, ap.expiresAt, L[8]);
    const td = cell(row, '', false, L[9]);
    td.classList.add('decide');
    if (ap.status === 'pending') {
      const reason = document.createElement('input');
      reason.type = 'text'; reason.placeholder = 'reason'; reason.className = 'reason';
      const yes = document.createElement('button'); yes.textContent = 'Approve'; yes.className = 'approve';
      const no = document.createElement('button'); no.textContent = 'Deny'; no.className = 'deny';
      yes.addEventListener('click', () => decide(ap.id, 'approve', reason));
      no.addEventListener('click', () => decide(ap.id, 'deny', reason));
      td.append(reason, yes, no);
      // Held by a taint: the approver may instead judge what the session read, and clear it for every call.
      if (ap.taint) {
        const c = document.createElement('button'); c.textContent = 'Clear taint'; c.className = 'clear-taint';
        c.addEventListener('click', () => clearTaint(ap.taint.keys, reason));
        td.append(c);
      }
    } else td.textContent = (ap.decidedBy || '') + (ap.reason ? ': ' + ap.reason : '');
    body.appendChild(row);
  }
  const Q = labels('quarantines');
  const q = await call('GET', '/api/quarantines');
  if (q.status === 200) for (const item of q.data.quarantines) {
    const row = document.createElement('tr');
    cell(row, item.key, false, Q[0]); cell(row, item.reason, false, Q[1]); when(row, item.at, Q[2]);
    const b = document.createElement('button'); b.textContent = 'Release'; b.className = 'release';
    b.addEventListener('click', () => release(item.key));
    cell(row, '', false, Q[3]).appendChild(b);
    $('quarantines').appendChild(row);
  }
  const T = labels('taints');
  const tt = await call('GET', '/api/taints?limit=100');
  if (tt.status === 200) for (const item of tt.data.taints) {
    const row = document.createElement('tr');
    row.className = 'taint';
    row.dataset.key = item.key;
    cell(row, item.key, false, T[0]);
    cell(row, sourcesText(item.sources), true, T[1]);
    when(row, item.expiresAt, T[2]);
    const td = cell(row, '', false, T[3]);
    td.classList.add('decide');
    const reason = document.createElement('input');
    reason.type = 'text'; reason.placeholder = 'reason'; reason.className = 'reason';
    const b = document.createElement('button'); b.textContent = 'Clear taint'; b.className = 'clear-taint';
    b.addEventListener('click', () => clearTaint([item.key], reason));
    td.append(reason, b);
    $('taints').appendChild(row);
  }
  const D = labels('decisions');
  const d = await call('GET', '/api/decisions?limit=50');
  if (d.status === 200) for (const item of d.data.decisions) {
    const row = document.createElement('tr');
    const values = [item.traceId, item.role, item.decision, item.code, item.tool, item.subject, item.rules.join(', '), item.findings.join(', ')];
    values.forEach((v, i) => cell(row, v, false, D[i]));
    $('decisions').appendChild(row);
  }
  status('loaded', true);
};
$('signin').addEventListener('click', () => { load(); });
$('refresh').addEventListener('click', () => { load(); });
warnings();
`;

const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The console's HTML. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>writ approvals</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
<h1>writ approval console</h1>
<div id="warnings"></div>
<p><label>Approver key or token <input id="key" type="password" autocomplete="off"></label>
<button id="signin">Sign in</button> <button id="refresh">Refresh</button> <span id="who"></span></p>
<div id="status"></div>
<h2>Approvals</h2>
<table><thead><tr><th>id</th><th>status</th><th>agent / subject</th><th>action</th><th>arguments</th><th>findings</th><th>decision trace</th><th>session taint</th><th>expires</th><th>decide</th></tr></thead>
<tbody id="approvals"></tbody></table>
<h2>Session taints</h2>
<p>Sessions that read content carrying a finding: their privileged calls are held until an approver
clears the taint or it expires.</p>
<table><thead><tr><th>session</th><th>read (server, tool, findings, age)</th><th>expires</th><th>clear</th></tr></thead><tbody id="taints"></tbody></table>
<h2>Quarantines</h2>
<table><thead><tr><th>key</th><th>reason</th><th>since</th><th>release</th></tr></thead><tbody id="quarantines"></tbody></table>
<h2>Recent decisions (this replica)</h2>
<table><thead><tr><th>trace</th><th>role</th><th>decision</th><th>code</th><th>tool</th><th>subject</th><th>rules</th><th>findings</th></tr></thead>
<tbody id="decisions"></tbody></table>
<footer id="replica-note">Recent decisions are those of the replica serving this page only; with several
replicas, each shows its own. Approvals, session taints and quarantines above are shared by every replica. The audit
log holds every decision of every replica.</footer>
<script>${SCRIPT}</script>
</body></html>
`;

/** Headers for the console: a CSP that admits only the page's own script and style, by hash. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${hash(SCRIPT)}`,
    `style-src ${hash(STYLE)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
