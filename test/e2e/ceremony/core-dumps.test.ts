import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { inTerminal } from '../../helpers/terminal.js';

// Issue 11: core dumps are off while secrets are in memory. Checked from inside the passphrase
// prompt of a real terminal: /proc/<pid>/limits of the waiting CLI shows a core file size of 0
// (soft and hard), and its coredump_filter keeps every memory mapping out of a core.

function procFile(screen: string, name: string): string {
  const start = screen.indexOf(`[proc ${name}]\n`);
  const end = screen.indexOf('[/proc]', start);
  expect(start, screen).toBeGreaterThanOrEqual(0);
  return screen.slice(start, end);
}

describe('core dumps', () => {
  it('are off while the CLI waits at a passphrase prompt, and Ctrl-C there leaves no core', async () => {
    const ceremony = await CeremonyFixture.create(['alice'], 1);
    const { code, screen } = await inTerminal(
      ceremony.dir,
      [
        { expect: 'New passphrase', send: 'correct horse battery staple\r' },
        { expect: 'Repeat the passphrase', send: '\u0003', proc: ['limits', 'coredump_filter'] },
      ],
      ceremony.env,
      ['key', 'add', '--holder', 'alice', '--generate', 'ed25519'],
    );
    expect(procFile(screen, 'limits')).toMatch(/^Max core file size\s+0\s+0\s+bytes/m);
    expect(procFile(screen, 'coredump_filter')).toMatch(/^\[proc coredump_filter\]\n0+\n$/);
    expect(screen).not.toMatch(/could not switch core dumps off/);
    expect(code).toBe(130);
    expect((await readdir(ceremony.dir)).filter((n) => n.startsWith('core'))).toEqual([]);
    expect(await readdir(join(ceremony.dir, 'keys'))).toEqual([]);
  }, 60_000);
});
