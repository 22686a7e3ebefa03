import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reviewDraft } from '../../../src/ceremony/review.js';
import type { StagedDraft } from '../../../src/ceremony/staging.js';
import type { TargetsSigned } from '../../../src/metadata/model.js';
import {
  checkVisibleKeys,
  checkVisibleName,
  describeUntrusted,
  escapeTerminal,
  escapeTerminalBlock,
  escapeUntrusted,
  findUnsafeChar,
  MAX_QUOTED,
  pathStep,
  printableCapped,
  printablePrefix,
  quoteUntrusted,
} from '../../../src/metadata/terminal-text.js';

/** Characters a terminal interprets or that hide or reorder text. */
const UNSAFE = [
  '\u0000',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u009b',
  '\u00ad',
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\ufeff',
  '\u{e0041}',
];
// Built from code points, so no joined sequence or raw control appears in a regex literal.
const RAW = new RegExp(
  `[${UNSAFE.map((c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`).join('')}]`,
  'u',
);

describe('escapeTerminal', () => {
  it('writes every control, bidi and invisible character as a visible escape', () => {
    for (const ch of UNSAFE) {
      const escaped = escapeTerminal(`a${ch}b`);
      expect(escaped).not.toMatch(RAW);
      expect(escaped).toMatch(/^a(\\u[0-9a-f]{4}){1,2}b$/);
    }
    expect(escapeTerminal('\u001b[31mred')).toBe('\\u001b[31mred');
    // Printable text of any script is untouched.
    expect(escapeTerminal('é ß 日本 ✅ 😀 ⚠️ a|b')).toBe('é ß 日本 ✅ 😀 ⚠️ a|b');
  });

  it('writes a character above U+FFFF as its surrogate pair, as JSON does', () => {
    expect(escapeTerminal('a\u{e0041}b')).toBe('a\\udb40\\udc41b');
  });

  it('keeps --json output valid JSON with the same strings (property)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.oneof(fc.constantFrom(...UNSAFE), fc.string({ unit: 'binary', maxLength: 5 })))
          .map((parts) => parts.join('')),
        (s) => {
          const printed = escapeTerminalBlock(JSON.stringify({ s }, null, 2));
          expect(JSON.parse(printed)).toEqual({ s });
        },
      ),
    );
  });

  it('keeps line breaks and tabs only in whole blocks', () => {
    expect(escapeTerminalBlock('a\n\tb\u001b[2J\r\u202e')).toBe('a\n\tb\\u001b[2J\\u000d\\u202e');
  });

  it('never lets an unsafe character through (property)', () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(
              fc.constantFrom(...UNSAFE),
              fc.integer({ min: 0, max: 0x2fff }).map((cp) => String.fromCodePoint(cp)),
            ),
          )
          .map((chars) => chars.join('')),
        (s) =>
          !RAW.test(escapeTerminal(s)) &&
          findUnsafeChar(escapeTerminal(s)) === undefined &&
          !RAW.test(escapeTerminalBlock(s).replace(/[\n\t]/g, '')),
      ),
    );
  });
});

describe('checkVisibleName', () => {
  it('names the character as U+XXXX and its position in code points', () => {
    expect(findUnsafeChar('😀é\u202e')).toEqual({ codePoint: 0x202e, position: 3 });
    expect(() => checkVisibleName('a\nb', 'target path')).toThrow(
      'target path "a\\u000ab": character U+000A at position 2 is not allowed (control, bidi and invisible characters can disguise what holders review)',
    );
    expect(() => checkVisibleName('x\u{e0041}', 'role')).toThrow(/U\+E0041 at position 2/);
    expect(checkVisibleName('packages/a-1.0.tgz', 'target path')).toBe('packages/a-1.0.tgz');
  });

  it('checks keys at every depth of custom metadata', () => {
    expect(() => {
      checkVisibleKeys({ a: [{ b: { 'c\u2066': 1 } }] }, '--custom');
    }).toThrow(/--custom key "c\\u2066": character U\+2066 at position 2/);
    expect(() => {
      checkVisibleKeys({ a: ['\u202e values are data'] }, '--custom');
    }).not.toThrow();
  });
});

describe('reviewDraft', () => {
  it('prints each name from metadata on its own line, escaped', () => {
    const signed: TargetsSigned = {
      _type: 'targets',
      spec_version: '1.0.31',
      version: 2,
      expires: '2027-01-01T00:00:00Z',
      targets: {
        'a\n  sha256 of the bytes to sign: 00\u001b[8m': { length: 1, hashes: { sha256: 'ab' } },
        'evil\u202etxt.exe': { length: 2, hashes: { sha256: 'cd' } },
      },
    };
    const draft: StagedDraft = {
      role: 'targets',
      metadata: { signed, signatures: [] },
      canonical: new Uint8Array(),
      sha256: 'f'.repeat(64),
    };
    const lines = reviewDraft(draft, undefined);
    for (const line of lines) expect(line).not.toMatch(RAW);
    expect(lines.filter((l) => l.includes('sha256 of the bytes to sign'))).toHaveLength(2);
    expect(lines).toContain(
      '  + target a\\u000a  sha256 of the bytes to sign: 00\\u001b[8m (1 bytes, sha256 ab)',
    );
    expect(lines).toContain('  + target evil\\u202etxt.exe (2 bytes, sha256 cd)');
  });
});

// Quoting values read from untrusted files in error messages: one line, printable ASCII only,
// bounded length.

describe('quoting untrusted values', () => {
  it('escapes quotes, backslashes and anything but printable ASCII', () => {
    expect(escapeUntrusted('a"b\\c\u202ed\n')).toBe('a\\"b\\\\c\\u202ed\\u000a');
    expect(quoteUntrusted('x\u001b[2J')).toBe('"x\\u001b[2J"');
  });

  it('caps the quoted part and says how long the value was', () => {
    const long = 'a'.repeat(MAX_QUOTED + 10);
    expect(escapeUntrusted(long)).toBe(`${'a'.repeat(MAX_QUOTED)}…(${MAX_QUOTED + 10} chars)`);
    expect(quoteUntrusted(long)).toBe(`"${'a'.repeat(MAX_QUOTED)}"…(${MAX_QUOTED + 10} chars)`);
    expect(quoteUntrusted('abcdef', 3)).toBe('"abc"…(6 chars)');
  });

  it('never prints a control, bidi or non-ASCII character, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const quoted = quoteUntrusted(text);
        expect(quoted).toMatch(/^"[\x20-\x7e]*"(…\(\d+ chars\))?$/);
        expect(quoted.length).toBeLessThanOrEqual(2 + 6 * MAX_QUOTED + 20);
      }),
    );
  });

  it('describes a value by its type, strings by a quoted prefix', () => {
    expect(describeUntrusted('a\nb')).toBe('"a\\u000ab"');
    expect(describeUntrusted(null)).toBe('null');
    expect(describeUntrusted([1, 2, 3])).toBe('an array of 3');
    expect(describeUntrusted({ a: 1 })).toBe('an object');
    expect(describeUntrusted(7)).toBe('7');
    expect(describeUntrusted(false)).toBe('false');
    expect(describeUntrusted(undefined)).toBe('undefined');
  });

  it('writes a JSON path step plainly only for plain keys', () => {
    expect(pathStep('signed')).toBe('.signed');
    expect(pathStep('a b')).toBe('["a b"]');
    expect(pathStep('x\u202e')).toBe('["x\\u202e"]');
    expect(pathStep('k'.repeat(65))).toBe(`["${'k'.repeat(64)}"…(65 chars)]`);
  });

  it('keeps a printable prefix of an identifier', () => {
    expect(printablePrefix('abc\u0000def', 5)).toBe('abc?d');
  });

  it('escapes controls and bidi characters in built text and caps it, keeping other text', () => {
    expect(printableCapped('é…\u202e\u0007', 100)).toBe('é…\\u202e\\u0007');
    expect(printableCapped('abcdef', 3)).toBe('abc…');
  });
});
