// The broadcast page's three static assets, served from memory: no CDN, no files from disk.
// The script builds every element with textContent, so nothing from metadata is parsed as HTML.

/** The page shell; the script fills it from /room.json and /status.json. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TUF key-signing ceremony</title>
<link rel="stylesheet" href="/broadcast.css">
<script src="/broadcast.js" defer></script>
</head>
<body>
<header>
  <h1 id="root-name">TUF key-signing ceremony</h1>
  <p>ceremony <span id="ceremony-id" class="mono"></span> · <span id="ready-state"></span></p>
</header>
<main>
  <section><h2>Metadata to sign</h2><div id="roles" class="roles"></div></section>
  <section><h2>Holders</h2>
    <table id="holders"><thead><tr><th>Holder</th><th>Key</th><th>Signatures</th></tr></thead><tbody></tbody></table>
  </section>
  <section><h2>Latest events</h2><ol id="events" class="events"></ol></section>
</main>
<footer id="updated" class="mono"></footer>
</body>
</html>
`;

/** Styles: large type for a stream, monospace for hashes and pictures. */
export const PAGE_CSS = `body { font-family: sans-serif; margin: 0; background: #f4f4f0; color: #111; }
header, main, footer { padding: 0 24px; }
h1 { margin: 16px 0 4px; font-size: 28px; }
h2 { font-size: 20px; margin: 20px 0 8px; }
.mono, pre, td.key { font-family: monospace; }
.roles { display: flex; flex-wrap: wrap; gap: 16px; }
.role { background: #fff; border: 2px solid #999; border-radius: 6px; padding: 12px; display: flex; gap: 12px; }
.role.ready { border-color: #1a7f37; }
.role h3 { margin: 0 0 6px; font-size: 18px; }
.role .hash { font-size: 17px; line-height: 1.35; margin: 6px 0; }
.role pre { margin: 0; font-size: 12px; line-height: 1.1; }
td pre { margin: 0 0 4px; font-size: 9px; line-height: 1; }
.role img { width: 164px; height: 164px; image-rendering: pixelated; }
.count { font-size: 15px; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #bbb; padding: 6px 10px; vertical-align: top; text-align: left; }
.mark { display: inline-block; margin: 2px 6px 2px 0; padding: 2px 8px; border-radius: 4px; font-weight: bold; }
.mark.valid { background: #c9f2d0; color: #0b4d1c; }
.mark.stale { background: #ffe1a8; color: #6b4500; }
.mark.missing { background: #e4e4e4; color: #444; }
.events { font-size: 14px; }
footer { color: #666; font-size: 12px; padding-bottom: 16px; }
`;

/** The script: polls the two JSON endpoints once a second and redraws. */
export const PAGE_JS = `'use strict';
const MARKS = { valid: '\\u2713 signed', stale: '\\u26a0 stale', missing: '\\u2026 missing' };
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function renderRoles(room) {
  const box = document.getElementById('roles');
  box.replaceChildren();
  for (const r of room.roles) {
    const card = el('div', r.ready ? 'role ready' : 'role');
    card.dataset.role = r.role;
    const left = el('div');
    left.append(el('h3', '', r.role + ' v' + r.version + (r.ready ? ' \\u2713' : '')));
    left.append(el('div', 'count', 'expires ' + r.expires));
    for (const c of r.counts) {
      const line = el('div', 'count', c.authority + ': ' + c.valid + ' of ' + c.threshold);
      line.dataset.authority = c.authority;
      left.append(line);
    }
    const hash = el('div', 'hash mono sha256');
    hash.dataset.sha256 = r.sha256;
    for (const g of r.sha256_groups) hash.append(el('div', '', g));
    left.append(hash);
    card.append(left);
    card.append(el('pre', 'art', r.randomart.join('\\n')));
    const qr = el('img', 'qr');
    qr.alt = 'QR code of the sha256 of ' + r.role;
    qr.src = '/qr/' + r.sha256 + '.svg';
    card.append(qr);
    box.append(card);
  }
}
function renderHolders(room) {
  const body = document.querySelector('#holders tbody');
  body.replaceChildren();
  for (const h of room.holders) {
    const row = el('tr');
    row.dataset.holder = h.id;
    row.append(el('td', '', h.name ? h.id + ' (' + h.name + ')' : h.id));
    const keys = el('td', 'key');
    for (const k of h.keys) {
      keys.append(el('div', '', k.fingerprint));
      keys.append(el('pre', 'art', k.randomart.join('\\n')));
    }
    row.append(keys);
    const marks = el('td');
    if (h.marks.length === 0) marks.append(el('span', '', 'nothing to sign'));
    for (const m of h.marks) {
      const mark = el('span', 'mark ' + m.mark, m.role + ': ' + MARKS[m.mark]);
      mark.dataset.role = m.role;
      mark.dataset.mark = m.mark;
      marks.append(mark);
    }
    row.append(marks);
    body.append(row);
  }
}
function renderEvents(room) {
  const list = document.getElementById('events');
  list.replaceChildren();
  for (const e of room.events) list.append(el('li', 'mono', e.time + '  ' + e.actor + '  ' + e.type + '  ' + e.detail));
}
async function refresh() {
  try {
    const [room, status] = await Promise.all([
      fetch('/room.json', { cache: 'no-store' }).then((r) => r.json()),
      fetch('/status.json', { cache: 'no-store' }).then((r) => r.json()),
    ]);
    if (room.error) throw new Error(room.error.message);
    document.getElementById('root-name').textContent = 'Trust root ' + room.name;
    document.getElementById('ceremony-id').textContent = room.ceremony_id;
    document.getElementById('ready-state').textContent = status.ready
      ? 'every threshold is met'
      : 'signatures are missing';
    renderRoles(room);
    renderHolders(room);
    renderEvents(room);
    document.getElementById('updated').textContent = 'updated ' + new Date().toISOString().slice(0, 19) + 'Z';
    document.body.dataset.loaded = 'true';
  } catch (err) {
    document.getElementById('updated').textContent = 'not updated: ' + String(err.message || err);
  }
}
refresh();
setInterval(refresh, 1000);
`;
