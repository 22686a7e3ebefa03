import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifestLine } from '../../../src/ceremony/manifest.js';
import { appendEvents, readTranscript } from '../../../src/repo/transcript-store.js';
import { writeFilesDurably } from '../../../src/repo/durable-batch.js';
import {
  forEachLine,
  MAX_LISTED_PROBLEMS,
  MAX_MANIFEST_LINE,
  readManifest,
} from '../../../src/repo/manifest-reader.js';
import { forEachListedHash, readListing, writeListing } from '../../../src/repo/target-listings.js';

const SHA = 'c'.repeat(64);

async function temp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tuf-ceremony-manifest-'));
}

describe('manifest files', () => {
  it('reads lines ending in LF or CRLF, the last without a line break, across chunks', async () => {
    const dir = await temp();
    const file = join(dir, 'm.jsonl');
    // Two long lines: the second crosses the 1 MiB chunk boundary.
    const long = 'x'.repeat(700_000);
    await writeFile(file, `a\r\nb\n${long}\n${long}\r\nlast`);
    const lines: [number, number][] = [];
    await forEachLine(file, (text, n) => lines.push([n, text.length]));
    expect(lines).toEqual([
      [1, 1],
      [2, 1],
      [3, long.length],
      [4, long.length],
      [5, 4],
    ]);
  });

  it('refuses a line over the bound and counts problems past the listed ones', async () => {
    const dir = await temp();
    const tooLong = join(dir, 'long.jsonl');
    await writeFile(tooLong, `{}\n${'x'.repeat(MAX_MANIFEST_LINE + 10)}\n`);
    await expect(forEachLine(tooLong, () => undefined)).rejects.toThrow(
      /line 2 is longer than 1048576 bytes/,
    );
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{\n'.repeat(MAX_LISTED_PROBLEMS + 5));
    const problems = await readManifest(
      bad,
      (text, first) => parseManifestLine('jsonl', text, first),
      () => undefined,
    );
    expect(problems.count).toBe(MAX_LISTED_PROBLEMS + 5);
    expect(() => {
      problems.throwIfAny('nothing was imported');
    }).toThrow(
      /25 bad line\(s\), nothing was imported: line 1: not a JSON object \(bad JSON\);.*; and 5 more$/,
    );
  });

  it('writes a listing sorted by path and reads it back', async () => {
    const root = await temp();
    const targets = new Map([
      ['b/2', { hashes: { sha256: SHA }, length: 2 }],
      ['a/1', { custom: { k: 'v' }, hashes: { sha256: SHA }, length: 1 }],
    ]);
    await writeListing(root, 'bins', targets);
    const text = await readFile(join(root, 'targets-listed', 'bins.jsonl'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      `{"path":"a/1","length":1,"hashes":{"sha256":"${SHA}"},"custom":{"k":"v"}}`,
    );
    expect(await readListing(root, 'bins')).toEqual(new Map([...targets].sort()));
    expect(await readListing(root, 'other')).toBeUndefined();
    await writeFile(join(root, 'targets-listed', 'bad.jsonl'), `{"path":"a","length":1}\n`);
    await expect(readListing(root, 'bad')).rejects.toThrow(/bad\.jsonl: line 1: missing "hashes"/);
  });

  it('reads the sha256 of every listed path, in the written layout or any other', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            path: fc.string({ minLength: 1, maxLength: 12 }),
            length: fc.nat(),
            sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
            custom: fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.string()), {
              nil: undefined,
            }),
            spaced: fc.boolean(),
          }),
          { selector: (t) => t.path, maxLength: 8 },
        ),
        async (entries) => {
          const root = await temp();
          const lines = entries.map((e) => {
            const value = {
              path: e.path,
              length: e.length,
              hashes: { sha256: e.sha256 },
              ...(e.custom === undefined ? {} : { custom: e.custom }),
            };
            return e.spaced
              ? JSON.stringify(value, null, 1).replace(/\n/g, '')
              : JSON.stringify(value);
          });
          await mkdir(join(root, 'targets-listed'), { recursive: true });
          await writeFile(join(root, 'targets-listed', 'bins.jsonl'), `${lines.join('\n')}\n`);
          const read = new Map<string, string>();
          await forEachListedHash(root, 'bins', (path, sha256) => read.set(path, sha256));
          expect(read).toEqual(new Map(entries.map((e) => [e.path, e.sha256])));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes a batch through renames, leaving no temp files', async () => {
    const root = await temp();
    const files = Array.from(
      { length: 50 },
      (_, i) => [join(root, 'd', `${i}.json`), `${i}`] as const,
    );
    let seen = 0;
    await writeFilesDurably(root, files, { onFile: () => seen++ });
    expect(seen).toBe(50);
    expect((await readdir(join(root, 'd'))).sort()).toEqual(
      files.map(([p]) => p.slice(join(root, 'd').length + 1)).sort(),
    );
    expect(await readFile(join(root, 'd', '7.json'), 'utf8')).toBe('7');
  });

  it('appends many events of one actor in one write, chained', async () => {
    const logDir = join(await temp(), 'ceremony-logs', 'c1');
    const events = Array.from({ length: 300 }, (_, i) => ({
      actor: 'coordinator',
      type: 'role.staged' as const,
      time: Date.UTC(2026, 0, 1),
      data: { role: `bins-${i}`, version: 1, sha256: SHA },
    }));
    await appendEvents(logDir, events.slice(0, 1));
    await appendEvents(logDir, events.slice(1));
    const log = await readTranscript(logDir);
    expect(log.problems).toEqual([]);
    expect(log.events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });
});
