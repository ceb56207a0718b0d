/**
 * The approval console: one static HTML page with an inline script, served on the admin port. The
 * approver's API key (or OIDC token) lives only in a password field and is sent as a bearer header on
 * each call: no cookie, so no CSRF. Every value from an action is attacker-controlled and is rendered
 * with textContent, never as HTML; the CSP allows only this page's own script and style by hash.
 */
import { createHash } from 'node:crypto';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#111}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
pre{white-space:pre-wrap;word-break:break-all;max-height:12rem;overflow:auto;margin:0}
#status{padding:4px 0;min-height:1.4em}.err{color:#a00}.ok{color:#060}
footer{margin-top:2rem;color:#555;font-size:12px}
button{margin:2px}input[type=text]{width:12rem}
`;

const SCRIPT = `
'use strict';
const $ = (id) => document.getElementById(id);
const status = (text, ok) => { const s = $('status'); s.textContent = text; s.className = ok ? 'ok' : 'err'; };
const cell = (row, value, pre) => {
  const td = document.createElement('td');
  const el = pre ? document.createElement('pre') : td;
  el.textContent = value === null || value === undefined ? '' : String(value);
  if (pre) td.appendChild(el);
  row.appendChild(td);
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
const decide = async (id, verdict, reasonInput) => {
  const r = await call('POST', '/api/approvals/' + encodeURIComponent(id) + '/' + verdict, { reason: reasonInput.value });
  // Reload first, so the confirmation is what stays on screen.
  if (r.status === 200) { await load(); status(verdict + 'd ' + id, true); }
  else status(r.status + ': ' + ((r.data && r.data.error) || 'refused'), false);
};
const release = async (key) => {
  const r = await call('POST', '/api/quarantines/release', { key, reason: 'released from the console' });
  if (r.status === 200) { await load(); status('released ' + key, true); }
  else status(r.status + ': ' + ((r.data && r.data.error) || 'refused'), false);
};
const load = async () => {
  const a = await call('GET', '/api/approvals?limit=100');
  const body = clear('approvals');
  clear('decisions');
  clear('quarantines');
  if (a.status !== 200) { status(a.status + ': ' + ((a.data && a.data.error) || 'sign in with an approver key'), false); return; }
  $('who').textContent = a.data.approver;
  for (const ap of a.data.approvals) {
    const row = document.createElement('tr');
    row.dataset.id = ap.id;
    row.className = 'approval ' + ap.status;
    cell(row, ap.id);
    cell(row, ap.status);
    cell(row, (ap.agent || '') + '\\n' + ap.subject, true);
    cell(row, ap.action.method + ' ' + ap.action.host + ap.action.path + '\\n' + ap.action.tool + ' (' + ap.action.operation + ')', true);
    cell(row, ap.action.arguments, true);
    cell(row, ap.findings.map((f) => f.id + ' ' + f.severity + ' ' + f.path + ' x' + f.occurrences).join('\\n'), true);
    cell(row, 'rules: ' + ap.rules.join(', ') + '\\ntrace: ' + ap.traceId + '\\npolicy: ' + ap.policyVersion, true);
    cell(row, new Date(ap.expiresAt).toISOString());
    const td = cell(row, '');
    if (ap.status === 'pending') {
      const reason = document.createElement('input');
      reason.type = 'text'; reason.placeholder = 'reason'; reason.className = 'reason';
      const yes = document.createElement('button'); yes.textContent = 'Approve'; yes.className = 'approve';
      const no = document.createElement('button'); no.textContent = 'Deny'; no.className = 'deny';
      yes.addEventListener('click', () => decide(ap.id, 'approve', reason));
      no.addEventListener('click', () => decide(ap.id, 'deny', reason));
      td.append(reason, yes, no);
    } else td.textContent = (ap.decidedBy || '') + (ap.reason ? ': ' + ap.reason : '');
    body.appendChild(row);
  }
  const q = await call('GET', '/api/quarantines');
  if (q.status === 200) for (const item of q.data.quarantines) {
    const row = document.createElement('tr');
    cell(row, item.key); cell(row, item.reason); cell(row, new Date(item.at).toISOString());
    const b = document.createElement('button'); b.textContent = 'Release'; b.className = 'release';
    b.addEventListener('click', () => release(item.key));
    cell(row, '').appendChild(b);
    $('quarantines').appendChild(row);
  }
  const d = await call('GET', '/api/decisions?limit=50');
  if (d.status === 200) for (const item of d.data.decisions) {
    const row = document.createElement('tr');
    cell(row, item.traceId); cell(row, item.role); cell(row, item.decision); cell(row, item.code);
    cell(row, item.tool); cell(row, item.subject); cell(row, item.rules.join(', ')); cell(row, item.findings.join(', '));
    $('decisions').appendChild(row);
  }
  status('loaded', true);
};
$('signin').addEventListener('click', () => { load(); });
$('refresh').addEventListener('click', () => { load(); });
`;

const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The console's HTML. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>writ approvals</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
<h1>writ approval console</h1>
<p><label>Approver key or token <input id="key" type="password" autocomplete="off" size="40"></label>
<button id="signin">Sign in</button> <button id="refresh">Refresh</button> <span id="who"></span></p>
<div id="status"></div>
<h2>Approvals</h2>
<table><thead><tr><th>id</th><th>status</th><th>agent / subject</th><th>action</th><th>arguments</th><th>findings</th><th>decision trace</th><th>expires</th><th>decide</th></tr></thead>
<tbody id="approvals"></tbody></table>
<h2>Quarantines</h2>
<table><thead><tr><th>key</th><th>reason</th><th>since</th><th></th></tr></thead><tbody id="quarantines"></tbody></table>
<h2>Recent decisions (this replica)</h2>
<table><thead><tr><th>trace</th><th>role</th><th>decision</th><th>code</th><th>tool</th><th>subject</th><th>rules</th><th>findings</th></tr></thead>
<tbody id="decisions"></tbody></table>
<footer id="replica-note">Recent decisions are those of the replica serving this page only; with several
replicas, each shows its own. Approvals and quarantines above are shared by every replica. The audit
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
