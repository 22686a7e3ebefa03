import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPkcs11Uri, parsePkcs11Uri, type Pkcs11Uri } from '../../../src/hsm/uri.js';

describe('RFC 7512 pkcs11: URIs', () => {
  it("parses the RFC examples and this tool's references", () => {
    expect(parsePkcs11Uri('pkcs11:object=my-pubkey;type=public')).toEqual({
      object: 'my-pubkey',
      type: 'public',
    });
    expect(
      parsePkcs11Uri(
        'pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=',
      ),
    ).toEqual({
      token: 'The Software PKCS#11 Softtoken',
      manufacturer: 'Snake Oil, Inc.',
      model: '1.0',
      object: 'my-certificate',
      type: 'cert',
      id: Buffer.from('69953e5cf4bdec91', 'hex'),
      serial: '',
    });
    expect(
      parsePkcs11Uri(
        'pkcs11:token=alice;slot-id=7;id=%01?module-path=/usr/lib/softhsm/libsofthsm2.so',
      ),
    ).toEqual({
      token: 'alice',
      slotId: 7,
      id: Buffer.from([1]),
      modulePath: '/usr/lib/softhsm/libsofthsm2.so',
    });
    expect(parsePkcs11Uri('pkcs11:')).toEqual({});
    expect(parsePkcs11Uri('pkcs11:object=%E2%82%AC;x-vendor=1?module-name=ykcs11')).toEqual({
      object: '€',
      moduleName: 'ykcs11',
    });
  });

  it('refuses PINs in a URI, unknown or repeated attributes and bad encodings', () => {
    expect(() => parsePkcs11Uri('pkcs11:token=a?pin-value=1234')).toThrow(/pin-value is refused/);
    expect(() => parsePkcs11Uri('pkcs11:token=a?pin-source=file:/p')).toThrow(
      /pin-source is refused/,
    );
    expect(() => parsePkcs11Uri('pkcs11:tokn=a')).toThrow(/unknown attribute "tokn"/);
    expect(() => parsePkcs11Uri('pkcs11:token=a;token=b')).toThrow(/"token" appears twice/);
    expect(() => parsePkcs11Uri('pkcs11:id=%zz')).toThrow(/bad percent-encoding/);
    expect(() => parsePkcs11Uri('pkcs11:type=secret')).toThrow(/type "secret"/);
    expect(() => parsePkcs11Uri('pkcs11:slot-id=x')).toThrow(/slot-id "x"/);
    expect(() => parsePkcs11Uri('file:alice.key')).toThrow(/does not start with "pkcs11:"/);
    expect(() => parsePkcs11Uri('pkcs11:token?module-name=a')).toThrow(/has no value/);
    expect(() => parsePkcs11Uri('pkcs11:?module-name=a&module-path=/b')).toThrow(/not both/);
  });

  it('formats what it parses: any token, object, id and module survive a round trip', () => {
    const text = fc
      .array(
        fc.oneof(
          fc.constantFrom(';', '%', '?', '=', '&', '/', ' ', 'a', 'Z', '~', '#'),
          fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 1 }),
        ),
        { maxLength: 12 },
      )
      .map((chars) => chars.join(''));
    const arb = fc.record(
      {
        token: text,
        serial: fc.stringMatching(/^[0-9a-f]{0,16}$/),
        object: text,
        id: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
        slotId: fc.nat(),
        modulePath: fc.constantFrom('/usr/lib/x.so', '/opt/a b/lib&%.so'),
      },
      { requiredKeys: [] },
    );
    const plain = (u: Pkcs11Uri): string =>
      JSON.stringify(
        Object.entries({ ...u, id: u.id?.toString('hex') })
          .filter(([, v]) => v !== undefined)
          .sort(),
      );
    fc.assert(
      fc.property(arb, (uri) => {
        const parsed = parsePkcs11Uri(formatPkcs11Uri(uri));
        return plain(parsed) === plain(uri);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a readable, stable form', () => {
    expect(
      formatPkcs11Uri({
        object: 'root key',
        id: Buffer.from([0xa1]),
        token: 'alice',
        moduleName: 'softhsm2',
      }),
    ).toBe('pkcs11:token=alice;id=%a1;object=root%20key?module-name=softhsm2');
  });
});
