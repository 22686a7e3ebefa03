import { hashGroups, randomart } from '../ceremony/fingerprint.js';
import { qrSvg } from './qr.js';

// The ceremony record as one self-contained HTML page: the Markdown summary's content (the small
// Markdown subset renderSummary writes) plus the visual fingerprint and QR code of every hash
// that was signed. Every text is escaped first; the page carries no script and loads nothing.

/** A signed hash to draw: `root v2` and its sha256. */
export interface HashPicture {
  label: string;
  sha256: string;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]*)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

function tableCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      cell += body[++i] ?? '';
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c ?? '';
  }
  cells.push(cell.trim());
  return cells;
}

function table(lines: readonly string[]): string {
  const [head, , ...rows] = lines;
  const th = tableCells(head ?? '')
    .map((c) => `<th>${inline(c)}</th>`)
    .join('');
  const trs = rows.map(
    (r) =>
      `<tr>${tableCells(r)
        .map((c) => `<td>${inline(c)}</td>`)
        .join('')}</tr>`,
  );
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`;
}

/** HTML for the Markdown subset of the summary: headings, bullet lists, tables, paragraphs. */
export function summaryMarkdownToHtml(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i] ?? '';
    if (line.startsWith('## ')) {
      out.push(`<h2>${inline(line.slice(3))}</h2>`);
      i++;
    } else if (line.startsWith('# ')) {
      out.push(`<h1>${inline(line.slice(2))}</h1>`);
      i++;
    } else if (line.startsWith('|')) {
      const block: string[] = [];
      while (i < lines.length && (lines[i] ?? '').startsWith('|')) block.push(lines[i++] ?? '');
      out.push(table(block));
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length && (lines[i] ?? '').startsWith('- '))
        items.push(`<li>${inline((lines[i++] ?? '').slice(2))}</li>`);
      out.push(`<ul>${items.join('')}</ul>`);
    } else {
      if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
      i++;
    }
  }
  return out.join('\n');
}

function picture(p: HashPicture): string {
  return (
    `<figure><figcaption>${escapeHtml(p.label)}</figcaption>` +
    `<pre>${escapeHtml(randomart(p.sha256, p.label).join('\n'))}</pre>` +
    `<pre class="hash">${escapeHtml(hashGroups(p.sha256).join('\n'))}</pre>` +
    `${qrSvg(p.sha256, 3)}</figure>`
  );
}

const STYLE = `body{font-family:sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#111}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;font-size:14px}
code,pre{font-family:monospace}figure{display:inline-flex;gap:12px;align-items:center;border:1px solid #ccc;padding:8px;margin:6px}
figcaption{font-weight:bold}pre{margin:0;line-height:1.1}`;

/** A self-contained page: the summary's content, then a picture of every signed hash. */
export function summaryHtml(
  title: string,
  markdown: string,
  pictures: readonly HashPicture[],
): string {
  const figures =
    pictures.length > 0
      ? `<h2>Fingerprints of the signed bytes</h2>\n${pictures.map(picture).join('\n')}`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${summaryMarkdownToHtml(markdown)}
${figures}
</body></html>
`;
}
