import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  manifestFormatOf,
  manifestLineOf,
  parseManifestLine,
  parseRemovalLine,
  splitCsv,
} from '../../../src/ceremony/manifest.js';

const SHA256 = 'a'.repeat(64);
const SHA512 = 'b'.repeat(128);

function problem(format: 'jsonl' | 'csv', line: string): string {
  const parsed = parseManifestLine(format, line, false);
  if (parsed.kind !== 'error') throw new Error(`expected a problem for ${line}`);
  return parsed.problem;
}

describe('manifest lines', () => {
  it('parses JSON Lines and CSV entries into sorted TargetFile entries', () => {
    expect(
      parseManifestLine(
        'jsonl',
        `{"path":"a/b.tgz","length":3,"hashes":{"sha512":"${SHA512}","sha256":"${SHA256}"},"custom":{"k":1}}`,
        true,
      ),
    ).toEqual({
      kind: 'entry',
      entry: {
        path: 'a/b.tgz',
        file: { custom: { k: 1 }, hashes: { sha256: SHA256, sha512: SHA512 }, length: 3 },
      },
    });
    expect(parseManifestLine('csv', `"a,b.tgz",0,${SHA256}`, false)).toEqual({
      kind: 'entry',
      entry: { path: 'a,b.tgz', file: { hashes: { sha256: SHA256 }, length: 0 } },
    });
    expect(parseManifestLine('csv', 'path,length,sha256,sha512', true)).toEqual({ kind: 'skip' });
    expect(parseManifestLine('jsonl', '   ', false)).toEqual({ kind: 'skip' });
  });

  it('names the rule each bad line breaks', () => {
    expect(problem('jsonl', '{"path":')).toBe('not a JSON object (bad JSON)');
    expect(problem('jsonl', '[1]')).toBe('not a JSON object');
    expect(problem('jsonl', `{"path":"a","length":-1,"hashes":{"sha256":"${SHA256}"}}`)).toMatch(
      /"length" must be a non-negative integer/,
    );
    expect(problem('jsonl', `{"path":"a","length":1.5,"hashes":{"sha256":"${SHA256}"}}`)).toMatch(
      /"length" must be a non-negative integer/,
    );
    expect(problem('jsonl', '{"path":"a","length":1,"hashes":{}}')).toBe('"hashes" has no sha256');
    expect(problem('jsonl', '{"path":"a","length":1}')).toBe('missing "hashes"');
    expect(problem('jsonl', '{"path":"a","length":1,"hashes":{"sha256":"XYZ"}}')).toBe(
      'hashes.sha256 must be 64 lowercase hex digits',
    );
    expect(problem('jsonl', `{"path":"../x","length":1,"hashes":{"sha256":"${SHA256}"}}`)).toMatch(
      /must be relative, with no empty, "\." or "\.\." segments/,
    );
    expect(
      problem('jsonl', `{"path":"a\\u001b[31m","length":1,"hashes":{"sha256":"${SHA256}"}}`),
    ).toMatch(/contains a control character/);
    expect(
      problem('jsonl', `{"path":"a","length":1,"hashes":{"sha256":"${SHA256}"},"x":1}`),
    ).toMatch(/unknown field "x"/);
    expect(
      problem(
        'jsonl',
        `{"path":"a","length":1,"hashes":{"sha256":"${SHA256}"},"custom":{"f":0.5}}`,
      ),
    ).toMatch(/"custom": .*not an integer/);
    expect(problem('csv', 'a,1')).toMatch(/needs 3 or 4 fields/);
    expect(problem('csv', `a,-1,${SHA256}`)).toMatch(/non-negative integer/);
    expect(problem('csv', '"a,1,x')).toBe('a quoted field is not closed');
  });

  it('reads removal lines by path only', () => {
    expect(parseRemovalLine('jsonl', '{"path":"a/b"}', true)).toEqual({
      kind: 'entry',
      entry: { path: 'a/b' },
    });
    expect(parseRemovalLine('csv', 'a/b,1,2', true)).toEqual({
      kind: 'entry',
      entry: { path: 'a/b' },
    });
    expect(parseRemovalLine('jsonl', '{"length":1}', true)).toEqual({
      kind: 'error',
      problem: 'missing "path"',
    });
  });

  it('picks the format from the file name unless given', () => {
    expect(manifestFormatOf('x/LIST.CSV', undefined)).toBe('csv');
    expect(manifestFormatOf('x/list.jsonl', undefined)).toBe('jsonl');
    expect(manifestFormatOf('x/list.txt', 'csv')).toBe('csv');
    expect(() => manifestFormatOf('x', 'xml')).toThrow(/--format must be jsonl or csv/);
  });

  it('round-trips every entry through the listing layout (property)', () => {
    const segment = fc
      .stringMatching(/^[a-zA-Z0-9_\-+=,"'é ]{1,12}$/)
      .filter((s) => s !== '.' && s !== '..');
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        hex(64),
        fc.option(hex(128), { nil: undefined }),
        fc.option(fc.dictionary(segment, fc.integer()), { nil: undefined }),
        (parts, length, sha256, sha512, custom) => {
          const hashes: Record<string, string> = { sha256 };
          if (sha512 !== undefined) hashes.sha512 = sha512;
          const file = custom === undefined ? { hashes, length } : { custom, hashes, length };
          const entry = { path: parts.join('/'), file };
          const line = manifestLineOf(entry);
          const parsed = parseManifestLine('jsonl', line, false);
          expect(parsed).toEqual({ kind: 'entry', entry });
          // Written back from what was read (the kept line), and as a fresh copy of the entry.
          if (parsed.kind !== 'entry') return;
          expect(manifestLineOf(parsed.entry)).toBe(line);
          expect(manifestLineOf({ path: parsed.entry.path, file: { ...parsed.entry.file } })).toBe(
            line,
          );
          const csv = `"${entry.path.replaceAll('"', '""')}",${length},${sha256}${sha512 ? `,${sha512}` : ''}`;
          expect(splitCsv(csv)[0]).toBe(entry.path);
        },
      ),
    );
  });

  it('reads lines in the listing layout exactly as the generic JSON path does (property)', () => {
    // The same object with a space after each colon misses the layout fast path, so both paths
    // must give the same entry or the same problem, whatever the path, length and hashes.
    const pathText = fc.string({
      unit: fc.oneof(
        fc.constantFrom(
          'a',
          'b',
          '/',
          '.',
          '-',
          'é',
          '😀',
          '\u202e',
          '\u007f',
          '\u0000',
          '\t',
          '"',
          '\\',
        ),
        fc.string({ unit: 'binary', maxLength: 1 }),
      ),
      maxLength: 12,
    });
    const hexOf = (n: number) =>
      fc.oneof(
        fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)),
        fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n - 1},${n + 1}}$`)),
      );
    const lengthText = fc.oneof(
      fc.nat().map(String),
      fc.constantFrom(
        '0',
        '00',
        '-1',
        '1.5',
        '1e3',
        '9007199254740991',
        '9007199254740992',
        '99999999999999999999',
      ),
    );
    fc.assert(
      fc.property(
        pathText,
        lengthText,
        hexOf(64),
        fc.option(hexOf(128), { nil: undefined }),
        (path, length, sha256, sha512) => {
          const hashes = (gap: string) =>
            `{"sha256":${gap}"${sha256}"${sha512 === undefined ? '' : `,"sha512":${gap}"${sha512}"`}}`;
          const line = (gap: string) =>
            `{"path":${gap}${JSON.stringify(path)},"length":${gap}${length},"hashes":${gap}${hashes(gap)}}`;
          expect(parseManifestLine('jsonl', line(''), false)).toEqual(
            parseManifestLine('jsonl', line(' '), false),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
