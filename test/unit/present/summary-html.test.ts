import { describe, expect, it } from 'vitest';
import { summaryHtml, summaryMarkdownToHtml } from '../../../src/present/summary-html.js';

describe('summary HTML', () => {
  it('renders headings, lists and tables of the summary', () => {
    const html = summaryMarkdownToHtml(
      '# Ceremony x\n\n- Events: 2\n- Finalized: not yet\n\n## Keys\n\n| Holder | Key id |\n| --- | --- |\n| alice | `ab12` |\n',
    );
    expect(html).toContain('<h1>Ceremony x</h1>');
    expect(html).toContain('<ul><li>Events: 2</li><li>Finalized: not yet</li></ul>');
    expect(html).toContain('<h2>Keys</h2>');
    expect(html).toContain('<td>alice</td><td><code>ab12</code></td>');
  });

  it('escapes every text from the transcript, including table cells with escaped pipes', () => {
    const html = summaryMarkdownToHtml(
      '| Holder |\n| --- |\n| <img src=x onerror=alert(1)> \\| "q" |\n',
    );
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; | &quot;q&quot;');
    expect(html).not.toContain('<img');
  });

  it('adds a picture of each signed hash and no script', () => {
    const page = summaryHtml('Ceremony <x>', '# t', [
      { label: 'root v1', sha256: 'cd'.repeat(32) },
    ]);
    expect(page).toContain('<title>Ceremony &lt;x&gt;</title>');
    expect(page).toContain('+----[root v1]----+');
    expect(page).toContain('<svg');
    expect(page).not.toContain('<script');
  });
});
