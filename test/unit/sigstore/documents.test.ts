import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CeremonyError } from '../../../src/metadata/errors.js';
import {
  decodeSigningConfig,
  decodeTrustedRoot,
  editTrustedRootBytes,
  emptyTrustedRoot,
  encodeSigningConfig,
  encodeTrustedRoot,
  endCtLog,
  serializeTrustedRoot,
  TRUSTED_ROOT_V01_LEGACY,
} from '../../../src/sigstore/index.js';
import { insertByStart } from '../../../src/sigstore/times.js';
import { fixtureTrustedRoot, HAVE_FIXTURES, sigstoreTarget } from './fixture-files.js';

const enc = (value: unknown) => Buffer.from(JSON.stringify(value));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CeremonyError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe.runIf(HAVE_FIXTURES)('round trips of the published files', () => {
  it.each(['trusted_root.json', 'signing_config.v0.2.json', 'signing_config_rekor_v2.v0.2.json'])(
    '%s parses and serializes to the same bytes',
    (name) => {
      const bytes = sigstoreTarget(name);
      const out = name.startsWith('trusted')
        ? encodeTrustedRoot(decodeTrustedRoot(bytes, name), name)
        : encodeSigningConfig(decodeSigningConfig(bytes, name), name);
      expect(Buffer.from(out).toString('utf8')).toBe(bytes.toString('utf8'));
    },
  );

  it('refuses the v0.1 signing config (another shape)', () => {
    expect(code(() => decodeSigningConfig(sigstoreTarget('signing_config.json'), 'sc'))).toMatch(
      /METADATA_INVALID: sc: \$ has unknown field "caUrl"|only .*v0.2\+json is supported/,
    );
  });

  it.each([
    [
      'an unknown field',
      (d: Record<string, unknown>) => ({ ...d, extra: 1 }),
      /\$ has unknown field "extra"/,
    ],
    [
      'a v0.2 field in a v0.1 file',
      (d: Record<string, unknown>) => {
        const tlogs = (d.tlogs as Record<string, unknown>[]).map((t) => ({
          ...t,
          operator: 'x.dev',
        }));
        return { ...d, tlogs };
      },
      /\$.tlogs\[0\].operator is a v0.2 field but the file's media type is v0.1/,
    ],
    [
      'an unknown media type',
      (d: Record<string, unknown>) => ({ ...d, mediaType: 'application/json' }),
      /unknown trusted root media type/,
    ],
    [
      'a bad time',
      (d: Record<string, unknown>) => {
        const ctlogs = structuredClone(d.ctlogs) as {
          publicKey: { validFor: { start: string } };
        }[];
        if (ctlogs[0]) ctlogs[0].publicKey.validFor.start = 'yesterday';
        return { ...d, ctlogs };
      },
      /"yesterday" is not an RFC 3339 time/,
    ],
    [
      'bad base64',
      (d: Record<string, unknown>) => {
        const tlogs = structuredClone(d.tlogs) as { logId: { keyId: string } }[];
        if (tlogs[0]) tlogs[0].logId.keyId = 'not base64!';
        return { ...d, tlogs };
      },
      /\$.tlogs\[0\].logId.keyId must be standard base64/,
    ],
    [
      'a hash algorithm protobuf-specs does not know',
      (d: Record<string, unknown>) => {
        const tlogs = structuredClone(d.tlogs) as { hashAlgorithm: string }[];
        if (tlogs[0]) tlogs[0].hashAlgorithm = 'MD5';
        return { ...d, tlogs };
      },
      /rejected by @sigstore\/protobuf-specs \(Unrecognized enum value MD5/,
    ],
  ])('refuses %s', (_name, change, expected) => {
    const doc = fixtureTrustedRoot() as unknown as Record<string, unknown>;
    expect(code(() => decodeTrustedRoot(enc(change(doc)), 'tr.json'))).toMatch(expected);
  });
});

describe('trusted root documents', () => {
  it('writes a new v0.1 or v0.2 document with only its media type', () => {
    expect(serializeTrustedRoot(emptyTrustedRoot('0.1'))).toBe(
      `{\n  "mediaType": "${TRUSTED_ROOT_V01_LEGACY}"\n}\n`,
    );
    expect(decodeTrustedRoot(encodeTrustedRoot(emptyTrustedRoot('0.2'), 'x'), 'x')).toEqual(
      emptyTrustedRoot('0.2'),
    );
  });

  it('refuses text that is not JSON or not UTF-8', () => {
    expect(code(() => decodeTrustedRoot(Buffer.from('{'), 'a.json'))).toMatch(
      /^METADATA_INVALID: a.json: not valid JSON/,
    );
    expect(code(() => decodeTrustedRoot(Buffer.from([0xff, 0xfe]), 'a.json'))).toMatch(/not UTF-8/);
  });

  it('inserting by start keeps the list sorted and loses no entry', () => {
    const time = fc
      .integer({ min: 0, max: 4_000_000_000 })
      .map((s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z'));
    fc.assert(
      fc.property(fc.array(time, { maxLength: 12 }), fc.boolean(), (starts, ascending) => {
        const order = ascending ? 'ascending' : 'descending';
        let list: { start: string; n: number }[] = [];
        starts.forEach((start, n) => {
          list = insertByStart(list, { start, n }, (e) => e.start, order);
        });
        const ms = list.map((e) => Date.parse(e.start));
        for (let i = 1; i < ms.length; i++) {
          const a = ms[i - 1] as number;
          const b = ms[i] as number;
          expect(ascending ? a <= b : a >= b).toBe(true);
        }
        expect(list.map((e) => e.n).sort((a, b) => a - b)).toEqual(starts.map((_s, n) => n));
      }),
    );
  });
});

describe.runIf(HAVE_FIXTURES)('editing serialized bytes (the staged-target path)', () => {
  it('reports no change for an edit that reproduces the bytes, and a change otherwise', () => {
    const bytes = sigstoreTarget('trusted_root.json');
    expect(editTrustedRootBytes(bytes, '0.2', (d) => d, 't').changed).toBe(false);
    const edited = editTrustedRootBytes(
      bytes,
      '0.2',
      (d) =>
        endCtLog(d, { baseUrl: 'https://ctfe.sigstore.dev/2022', end: '2030-01-01T00:00:00Z' }),
      't',
    );
    expect(edited.changed).toBe(true);
    expect(edited.doc.mediaType).toBe(TRUSTED_ROOT_V01_LEGACY);
    expect(Buffer.from(edited.bytes).toString()).toContain(
      '"start": "2022-10-20T00:00:00Z",\n          "end": "2030-01-01T00:00:00Z"',
    );
  });
});
