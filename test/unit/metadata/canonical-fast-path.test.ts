import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTargets, newTargets } from '../../../src/metadata/build.js';
import { canonicalBytes, canonicalForm, canonicalString } from '../../../src/metadata/canonical.js';
import { scanJson } from '../../../src/metadata/json-depth.js';
import { sameJson } from '../../../src/metadata/same-json.js';
import type { TargetFile, TargetsSigned } from '../../../src/metadata/model.js';
import { encodeFileText, prettyJson, serializeMetadata } from '../../../src/metadata/serialize.js';
import { signMetadata } from '../../../src/metadata/sign.js';
import { signAndSerialize } from '../../../src/metadata/signed-file.js';
import { SoftwareSigner, ed25519FromSeed } from '../../../src/signing/software-signer.js';
import { json, reordered, special, text } from '../../helpers/json-arbitraries.js';

// The serializers take JSON.stringify's fast path for sorted plain values and check its output
// for escapes; these properties hold them byte for byte to naive reference writers over random
// JSON with every kind of string (controls, quotes, backslashes, lone surrogates, pairs).

function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return x.length - y.length;
}

function definedKeys(value: object): string[] {
  const record = value as Record<string, unknown>;
  return Object.keys(record).filter((k) => record[k] !== undefined);
}

/** OLPC canonical JSON written the obvious way (http://wiki.laptop.org/go/Canonical_JSON). */
function referenceCanonical(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'string') return `"${value.replace(/["\\]/g, '\\$&')}"`;
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = definedKeys(record).sort(byCodePoint);
  return `{${keys.map((k) => `${referenceCanonical(k)}:${referenceCanonical(record[k])}`).join(',')}}`;
}

/** The file layout: keys in UTF-16 order, one-space indent, JSON.stringify's string escapes. */
function referencePretty(value: unknown, indent = ''): string {
  const inner = `${indent} `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + referencePretty(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = definedKeys(record).sort();
    if (keys.length === 0) return '{}';
    const lines = keys.map(
      (k) => `${inner}${JSON.stringify(k)}: ${referencePretty(record[k], inner)}`,
    );
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The pre-scan as first written: one character at a time. */
function referenceScan(text: string, countKey?: string): { depth: number; entries: number } {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  let start = 0;
  let lastKey = '';
  let counting = false;
  let entries = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 1 && countKey !== undefined) lastKey = text.slice(start, i);
      }
    } else if (c === '"') {
      inString = true;
      start = i + 1;
      if (counting && depth === 2 && entries === 0) entries = 1;
    } else if (c === '[' || c === '{') {
      if (counting && depth === 2 && entries === 0) entries = 1;
      depth++;
      if (depth === 2 && c === '[' && lastKey === countKey) counting = true;
      deepest = Math.max(deepest, depth);
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 1) counting = false;
    } else if (counting && depth === 2 && c === ',') entries++;
    else if (counting && depth === 2 && entries === 0 && c !== undefined && c > ' ') entries = 1;
  }
  return { depth: deepest, entries };
}

const hex = fc.string({
  unit: fc.constantFrom(
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    'a',
    'b',
    'c',
    'd',
    'e',
    'f',
  ),
  minLength: 1,
  maxLength: 16,
});
const targetPath = fc
  .array(
    fc.string({
      unit: fc.oneof(fc.constantFrom('a', 'b', '-', '"', 'é'), special),
      minLength: 1,
      maxLength: 6,
    }),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((parts) => parts.join('/'));
const targetFile: fc.Arbitrary<TargetFile> = fc.record(
  {
    length: fc.nat(),
    hashes: fc.oneof(
      fc.record({ sha256: hex }),
      fc.record({ sha512: hex, sha256: hex }),
      fc.dictionary(text, hex, { minKeys: 1, maxKeys: 3 }),
    ),
    custom: json,
  },
  { requiredKeys: ['length', 'hashes'] },
);
/** Targets roles of the common shape and of odd ones, built unsorted and through addTargets. */
const targetsSigned: fc.Arbitrary<TargetsSigned> = fc
  .tuple(fc.array(fc.tuple(targetPath, targetFile), { maxLength: 12 }), fc.boolean())
  .map(([entries, viaBuilder]) => {
    const base = newTargets({ expires: Date.UTC(2030, 0, 1) });
    if (viaBuilder) {
      try {
        return addTargets(base, entries);
      } catch {
        // A path the builder refuses (control characters): build the map directly.
      }
    }
    const targets: Record<string, TargetFile> = {};
    for (const [path, file] of entries)
      Object.defineProperty(targets, path, { value: file, enumerable: true, configurable: true });
    return { ...base, targets };
  });

/** A copy of `value` with its n-th leaf (depth first, modulo the count) changed. */
function changedLeaf(value: unknown, n: number): unknown {
  let index = 0;
  const leaves = (v: unknown): number =>
    v !== null && typeof v === 'object'
      ? Object.values(v).reduce((t: number, c) => t + leaves(c), 0)
      : 1;
  const target = n % Math.max(1, leaves(value));
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, c] of Object.entries(v))
        Object.defineProperty(out, k, { value: visit(c), enumerable: true, configurable: true });
      return out;
    }
    if (index++ !== target) return v;
    return typeof v === 'string'
      ? `${v}x`
      : typeof v === 'number'
        ? v + (v > 0 ? -1 : 1)
        : v === null
          ? 0
          : !v;
  };
  return visit(value);
}

const signer = new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(3)));
const RUNS = { numRuns: 300 };

describe('canonical and pretty fast paths match reference writers', () => {
  it('canonicalString, canonicalBytes and canonicalForm equal the reference on any JSON', () => {
    fc.assert(
      fc.property(json, (value) => {
        const expected = referenceCanonical(value);
        expect(canonicalString(value)).toBe(expected);
        const bytes = Buffer.from(expected, 'utf8');
        expect(Buffer.from(canonicalBytes(value)).equals(bytes)).toBe(true);
        expect(Buffer.from(canonicalForm(value).bytes).equals(bytes)).toBe(true);
      }),
      RUNS,
    );
  });

  it('prettyJson equals the reference layout on any JSON', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(prettyJson(value)).toBe(`${referencePretty(value)}\n`);
      }),
      RUNS,
    );
  });

  it('canonical text of targets roles of every shape equals the reference', () => {
    fc.assert(
      fc.property(targetsSigned, (signed) => {
        expect(canonicalString(signed)).toBe(referenceCanonical(signed));
      }),
      RUNS,
    );
  });

  it('signAndSerialize writes the bytes of signMetadata + serializeMetadata and the reference', async () => {
    await fc.assert(
      fc.asyncProperty(targetsSigned, async (signed) => {
        const { metadata, file } = await signAndSerialize(signed, [signer]);
        const separate = serializeMetadata(await signMetadata(signed, [signer]));
        expect(Buffer.from(file.bytes).equals(Buffer.from(separate.bytes))).toBe(true);
        expect(Buffer.from(file.bytes).toString('utf8')).toBe(
          `${referencePretty({ signatures: metadata.signatures, signed })}\n`,
        );
        expect(file.sha256).toBe(separate.sha256);
        expect(file.length).toBe(file.bytes.length);
      }),
      { numRuns: 100 },
    );
  });

  it('encodeFileText writes the UTF-8 of the text and a newline, for every kind of string', () => {
    fc.assert(
      fc.property(text, (value) => {
        const expected = new TextEncoder().encode(`${value}\n`);
        expect(Buffer.from(encodeFileText(value)).equals(Buffer.from(expected))).toBe(true);
      }),
      RUNS,
    );
  });

  it('the pre-scan counts depth and entries as the character-by-character scan', () => {
    fc.assert(
      fc.property(
        json,
        fc.nat({ max: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (value, gap, cut) => {
          const full = JSON.stringify({ signatures: [value, value], signed: value }, null, gap);
          const texts = [full, full.slice(0, Math.floor(full.length * cut))];
          for (const t of texts) {
            expect(scanJson(t, 1000, 'signatures')).toEqual(referenceScan(t, 'signatures'));
            expect(scanJson(t, 1000).depth).toBe(referenceScan(t).depth);
          }
        },
      ),
      RUNS,
    );
  });

  it('the pre-scan counts an entry whose string the text cuts short', () => {
    // Found by the property above (seed 1157604149): the string opens the first entry.
    const cut = '{"signatures":["';
    expect(scanJson(cut, 1000, 'signatures')).toEqual(referenceScan(cut, 'signatures'));
    expect(scanJson(cut, 1000, 'signatures')).toEqual({ depth: 2, entries: 1 });
  });

  it('addTargets keeps paths sorted, the last entry of a path winning, old entries kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[a-c]{1,3}(\/[a-c]{1,2})?$/), fc.nat()), {
          maxLength: 20,
        }),
        fc.array(fc.tuple(fc.stringMatching(/^[a-c]{1,3}(\/[a-c]{1,2})?$/), fc.nat()), {
          maxLength: 20,
        }),
        (first, second) => {
          const file = (n: number): TargetFile => ({ hashes: { sha256: 'ab' }, length: n });
          const base = newTargets({ expires: Date.UTC(2030, 0, 1) });
          const once = addTargets(
            base,
            first.map(([p, n]) => [p, file(n)]),
          );
          const twice = addTargets(
            once,
            second.map(([p, n]) => [p, file(n)]),
          );
          const expected = new Map<string, number>();
          for (const [p, n] of [...first, ...second]) expected.set(p, n);
          const keys = [...expected.keys()].sort();
          expect(Object.keys(twice.targets)).toEqual(keys);
          for (const k of keys) expect(twice.targets[k]?.length).toBe(expected.get(k));
        },
      ),
      RUNS,
    );
  });
  it('sameJson agrees with comparing canonical texts', () => {
    fc.assert(
      fc.property(json, json, fc.nat(), (a, b, n) => {
        const pairs: [unknown, unknown][] = [
          [a, b],
          [a, reordered(a)],
          [a, structuredClone(a)],
          [a, changedLeaf(a, n)],
          [reordered(a), changedLeaf(a, n)],
        ];
        for (const [x, y] of pairs) {
          expect(sameJson(x, y)).toBe(canonicalString(x) === canonicalString(y));
          expect(sameJson(y, x)).toBe(sameJson(x, y));
        }
      }),
      RUNS,
    );
  });
});
