import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { runTool } from '../../helpers/cli.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';

// A review holders can trust: names carrying newlines, bidi overrides or invisible characters are
// refused where they enter (one line naming the character and its position, nothing written),
// and text from metadata that reaches the terminal anyway is escaped.

const ESC = '\u001b';
const RLO = '\u202e';
/** Nothing a terminal would interpret: no control character but the line ends, no bidi, no ZWSP. */
const RAW = new RegExp(
  (
    [
      [0, 9],
      [11, 31],
      [0x7f, 0x9f],
      [0x200b, 0x200f],
      [0x202a, 0x202e],
      [0x2066, 0x2069],
    ] as const
  )
    .map(([a, b]) => `[\\u{${a.toString(16)}}-\\u{${b.toString(16)}}]`)
    .join('|'),
  'u',
);

describe('names in a review', () => {
  it('refuses target paths and custom keys with a newline, U+202E or a zero-width space', async () => {
    const ceremony = await CeremonyFixture.create(['alice'], 1);
    const file = join(ceremony.dir, '..', 'payload.txt');
    await writeFile(file, 'payload');
    const before = await treeDigest(ceremony.dir);
    const cases: [string[], RegExp][] = [
      [
        ['--path', 'docs/a\nb.txt'],
        /target path "docs\/a\\u000ab\.txt": character U\+000A at position 7 is not allowed/,
      ],
      [['--path', `release-${RLO}txt.exe`], /character U\+202E at position 9 is not allowed/],
      [
        ['--path', 'a.txt', '--custom', '{"usage\u200b":"Fulcio"}'],
        /--custom key "usage\\u200b": character U\+200B at position 6/,
      ],
      [['--path', `${ESC}[2Jclear.txt`], /character U\+001B at position 1/],
    ];
    for (const [flags, message] of cases) {
      const result = await ceremony.run(['targets', 'add', file, ...flags]);
      // A bad --custom value is a usage error (2), like malformed --custom JSON.
      expect(result.code, result.stderr).toBe(flags.includes('--custom') ? 2 : 1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(RAW);
    }
    expect(await treeDigest(ceremony.dir)).toEqual(before);

    // A file dropped into targets/ by hand is refused when staged, not reviewed.
    await mkdir(join(ceremony.dir, 'targets'));
    await writeFile(join(ceremony.dir, 'targets', `invoice${RLO}fdp.exe`), 'x');
    for (const holder of ['alice', 'online']) await ceremony.addKey(holder);
    const staged = await ceremony.run(['stage']);
    expect(staged.code).toBe(1);
    expect(staged.stderr).toMatch(
      /target path "invoice\\u202efdp\.exe": character U\+202E at position 8/,
    );
    expect(staged.stderr).not.toMatch(RAW);
  });

  it('verify escapes ESC sequences, newlines and U+202E from unsigned metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-forged-'));
    await cp(join(PROJECT_ROOT, 'repository'), dir, { recursive: true });
    const timestamp = join(dir, 'timestamp.json');
    const forged = (await readFile(timestamp, 'utf8')).replace(
      '"_type": "timestamp"',
      `"_type": "\\u001b[2J\\u001b]0;owned\\u0007\\ntimestamp: 3 of 3 signatures ok ${RLO}gnp.exe"`,
    );
    await writeFile(timestamp, forged);
    const result = await runTool(
      ['verify', '--root', join(dir, '1.root.json'), '--at', '2026-01-01T00:00:00Z', dir],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(RAW);
    expect(result.stderr).toContain('\\u202e');
  });
});
