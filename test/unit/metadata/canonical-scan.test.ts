import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTargets, newTargets } from '../../../src/metadata/build.js';
import { sortedView } from '../../../src/metadata/build-sorted.js';
import { canonicalBytes } from '../../../src/metadata/canonical.js';
import { scanMetadataBytes, signedCanonicalOf } from '../../../src/metadata/canonical-scan.js';
import { scanJson } from '../../../src/metadata/json-depth.js';
import { serializeRole } from '../../../src/metadata/build-meta.js';
import {
  envelopeWithSignatures,
  prettyJson,
  unsignedEnvelopeBytes,
} from '../../../src/metadata/serialize.js';
import type { TargetFile } from '../../../src/metadata/model.js';
import { integer, json, reordered, text } from '../../helpers/json-arbitraries.js';

// The canonical bytes a scan takes from a file's text must be exactly the canonical bytes of the
// parsed `signed`, or none at all; and its depth and entry count are the pre-scan's, byte for byte.

/** What the parsed value's canonical bytes are, or undefined when it has none (a float). */
function canonicalOfParsed(textOf: string): Buffer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(textOf);
  } catch {
    return undefined;
  }
  const signed = (parsed as { signed?: unknown } | null)?.signed;
  try {
    return signed === undefined ? undefined : Buffer.from(canonicalBytes(signed));
  } catch {
    return undefined;
  }
}

/** prettyJson of `value`, or undefined when it has no file text (a float). */
function prettyOrNone(value: unknown): string | undefined {
  try {
    return prettyJson(value);
  } catch {
    return undefined;
  }
}

/** JSON.parse of an object text, or undefined. */
function parsedOrNone(textOf: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(textOf);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Scans `textOf` and checks it against scanJson and the parsed value's canonical bytes. */
function scanAndCheck(textOf: string): Uint8Array | undefined {
  const bytes = new TextEncoder().encode(textOf);
  const scan = scanMetadataBytes(bytes, textOf, 40);
  expect({ depth: scan.depth, entries: scan.entries }).toEqual(scanJson(textOf, 40, 'signatures'));
  if (scan.signedCanonical !== undefined) {
    const expected = canonicalOfParsed(textOf);
    expect(expected).toBeDefined();
    expect(Buffer.from(scan.signedCanonical).equals(expected as Buffer)).toBe(true);
  }
  // Laid out: the very text the writer makes of the parsed value, and one that is must be taken.
  const parsed = parsedOrNone(textOf);
  const unsigned =
    parsed !== undefined &&
    Object.keys(parsed).join() === 'signatures,signed' &&
    Array.isArray(parsed.signatures) &&
    parsed.signatures.length === 0;
  const writers = unsigned ? prettyOrNone({ signatures: [], signed: parsed.signed }) : undefined;
  if (scan.laidOut) expect(textOf).toBe(writers);
  else if (scan.signedCanonical !== undefined)
    expect(textOf === writers && !/[\u{10000}-\u{10FFFF}]/u.test(textOf)).toBe(false);
  return scan.signedCanonical;
}

const number = fc.oneof(
  integer,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e21, 1.5, -0.5, 123456789012345, 1234567890123456),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    json,
    number,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom('a', 'b', 'signed')), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const gap = fc.constantFrom<string | number>(0, 1, 2, '\t', ' \r\n');

describe('canonical bytes from the text (canonical-scan.ts)', () => {
  it('gives the parsed value canonical bytes or none, and the pre-scan figures, on any text', () => {
    fc.assert(
      fc.property(
        value,
        fc.array(value, { maxLength: 3 }),
        gap,
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (signed, signatures, space, sorted, cut) => {
          const view = sorted ? sortedView(signed) : reordered(signed);
          const full = JSON.stringify({ signatures, signed: view }, null, space);
          scanAndCheck(full);
          scanAndCheck(`${full}\n`);
          for (const around of [
            { signatures, signed },
            { signatures: [], signed },
          ]) {
            const laid = prettyOrNone(around);
            if (laid !== undefined) scanAndCheck(laid);
          }
          scanAndCheck(full.slice(0, Math.floor(full.length * cut)));
          // The same members in another order, or `signed` twice (JSON.parse keeps the last).
          scanAndCheck(JSON.stringify({ signed: view, signatures }, null, space));
          scanAndCheck(`{"signed":{},${full.slice(1)}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('takes the bytes of a sorted layout of targets, whatever the whitespace', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{1,64}$/);
    const entry: fc.Arbitrary<[string, TargetFile]> = fc.tuple(
      fc.stringMatching(/^[a-z][a-z0-9]{0,7}(\/[a-zé0-9_-][a-zé0-9._-]{0,11}){0,2}$/),
      fc.record({ hashes: fc.record({ sha256: hex }), length: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), gap, (entries, space) => {
        const signed = addTargets(newTargets({ expires: Date.UTC(2030, 0, 1) }), entries);
        const textOf = JSON.stringify(
          { signatures: [{ keyid: 'ab', sig: 'cd' }], signed: sortedView(signed) },
          null,
          space,
        );
        const taken = scanAndCheck(textOf);
        expect(taken).toBeDefined();
        const file = prettyJson({ signatures: [], signed });
        const bytes = new TextEncoder().encode(file);
        expect(scanMetadataBytes(bytes, file).laidOut).toBe(true);
        // The release sets signatures into the laid-out draft: the bytes of writing it anew.
        const signatures = [{ keyid: 'ab', sig: 'cd' }];
        const made = serializeRole('targets', { signed, signatures }, undefined, bytes);
        expect(Buffer.from(made.file.bytes).toString()).toBe(prettyJson({ signatures, signed }));
        expect(Buffer.from(taken as Uint8Array).equals(Buffer.from(canonicalBytes(signed)))).toBe(
          true,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what the canonical writer would spell otherwise', () => {
    const refused = [
      '{"signatures":[],"signed":{"b":1,"a":2}}',
      '{"signatures":[],"signed":{"a":1,"a":1}}',
      '{"signatures":[],"signed":{"a":1},"signed":{"a":1}}',
      '{"signatures":[],"signed":{"a":-0}}',
      '{"signatures":[],"signed":{"a":1.0}}',
      '{"signatures":[],"signed":{"a":1e5}}',
      '{"signatures":[],"signed":{"a":1E5}}',
      '{"signatures":[],"signed":{"a":1234567890123456}}',
      '{"signatures":[],"signed":{"a":"\\u0041"}}',
      '{"signatures":[],"signed":{"a":"x\\"y"}}',
      '{"signatures":[],"other":{"signed":{"a":1}}}',
      '["signed",{"a":1}]',
      '{"signatures":[],"signed":{"a":1}',
      '{"signatures":[],"signed":{"a":"1}}',
      '{"signatures":[],"signed":{"\u{1F600}":1,"\uff61":2}}',
    ];
    for (const t of refused) expect(scanAndCheck(t), t).toBeUndefined();
    const taken = [
      '{"signatures":[],"signed":{"a":-5,"b":123456789012345,"c":[true,false,null]}}',
      '{"signatures" : [ ] ,\t"signed" :\r\n { "a" : { } , "b" : [ ] } }',
      '{"signatures":[],"signed":{"\uff61":1,"\u{1F600}":2}}',
      '{"signed":"text"}',
    ];
    for (const t of taken) expect(scanAndCheck(t), t).toBeDefined();
  });

  it("takes a layout only when it is exactly the writer's, and sets signatures only into one", () => {
    const laid = prettyJson({ signatures: [], signed: { a: [1, {}], b: { c: 'd' }, e: [] } });
    const variants = [
      laid.slice(0, -1),
      `${laid}\n`,
      laid.replace('\n   1', '\n    1'),
      laid.replace(': [', ':  ['),
      laid.replace('\n "signed"', '\n\t"signed"'),
      JSON.stringify(JSON.parse(laid), null, 2) + '\n',
      laid.replace('"c"', '"\u{1F600}"'),
    ];
    const bytes = (t: string): Uint8Array => new TextEncoder().encode(t);
    expect(scanMetadataBytes(bytes(laid), laid).laidOut).toBe(true);
    for (const t of variants) expect(scanMetadataBytes(bytes(t), t).laidOut, t).toBe(false);
    const signatures = [{ keyid: 'ab', sig: 'cd' }];
    expect(envelopeWithSignatures(bytes(laid), signatures)).toBeDefined();
    const other = prettyJson({ signatures: [{ keyid: 'x', sig: 'y' }], signed: {} });
    expect(envelopeWithSignatures(bytes(other), signatures)).toBeUndefined();
    expect(unsignedEnvelopeBytes({ a: 1 })).toEqual(
      bytes(prettyJson({ signatures: [], signed: { a: 1 } })),
    );
  });

  it('stops where the pre-scan stops: nesting past the limit, a string left open', () => {
    const deep = `{"signatures":[],"signed":${'['.repeat(50)}${']'.repeat(50)}}`;
    const scan = scanMetadataBytes(new TextEncoder().encode(deep), deep, 40);
    expect(scan.depth).toBe(41);
    expect(scan.signedCanonical).toBeUndefined();
  });

  it('keeps the bytes of one scan when the next scans another file, small or large', () => {
    const role = (n: number): string =>
      JSON.stringify(
        {
          signatures: [],
          signed: sortedView(
            addTargets(
              newTargets({ expires: Date.UTC(2030, 0, 1) }),
              Array.from({ length: n }, (_, i): [string, TargetFile] => [
                `t/${String(i)}`,
                { hashes: { sha256: 'ab'.repeat(32) }, length: i },
              ]),
            ),
          ),
        },
        null,
        1,
      );
    // Under and over the size at which a scan gets a module instance of its own (1 MiB).
    const texts = [role(10), role(12_000), role(20), role(12_001)];
    const taken = texts.map((t) => signedCanonicalOf(new TextEncoder().encode(t)));
    texts.forEach((t, i) => {
      expect(Buffer.from(taken[i] as Uint8Array).equals(canonicalOfParsed(t) as Buffer)).toBe(true);
    });
  });

  it('the committed module is the compile of canonical-scan.wat', () => {
    execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { stdio: 'pipe' });
  });
});
