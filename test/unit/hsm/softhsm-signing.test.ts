import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import { computeKeyid, keyFingerprint, publicKeyHandle } from '../../../src/metadata/keys.js';
import { signAndCheck } from '../../../src/metadata/sign.js';
import { checkSignature } from '../../../src/metadata/signature-check.js';
import { KeyRefRegistry } from '../../../src/signing/key-ref.js';
import { enrollTokenKey, generateTokenKey } from '../../../src/hsm/enroll.js';
import { listTokens, readTokenPublicKey } from '../../../src/hsm/list.js';
import { finalizeModules } from '../../../src/hsm/modules.js';
import { openPkcs11Signer, pkcs11KeyRefResolver } from '../../../src/hsm/signer.js';
import { parsePkcs11Uri } from '../../../src/hsm/uri.js';
import { createSoftHsm, HAVE_SOFTHSM, scriptedPins, type SoftHsm } from '../../helpers/softhsm.js';

const PIN = '246810';
const BYTES = new TextEncoder().encode('{"signed":"canonical bytes of a role"}');

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe.runIf(HAVE_SOFTHSM)('PKCS#11 keys on SoftHSM2 tokens', () => {
  let hsm: SoftHsm;
  let opts: { modulePath: string };
  let twinSlots: number[];

  beforeAll(() => {
    hsm = createSoftHsm();
    hsm.createToken('alice', PIN);
    hsm.createToken('bob', PIN);
    twinSlots = [hsm.createToken('twin', PIN), hsm.createToken('twin', PIN)];
    hsm.createKeyPair({
      token: 'bob',
      pin: PIN,
      label: 'existing',
      idHex: '01',
      curve: 'p256',
      sign: true,
    });
    hsm.createKeyPair({
      token: 'bob',
      pin: PIN,
      label: 'existing-ed',
      idHex: '02',
      curve: 'ed25519',
      sign: true,
    });
    hsm.createKeyPair({
      token: 'bob',
      pin: PIN,
      label: 'derive-only',
      idHex: '03',
      curve: 'p256',
      sign: false,
    });
    hsm.createKeyPair({
      token: 'twin',
      pin: PIN,
      label: 'k',
      idHex: '04',
      curve: 'p256',
      sign: true,
    });
    hsm.createKeyPair({
      token: 'bob',
      pin: PIN,
      label: 'always',
      idHex: '05',
      curve: 'p256',
      sign: true,
      alwaysAuthenticate: true,
    });
    // Every token exists before the module is initialized with this configuration.
    finalizeModules();
    process.env.SOFTHSM2_CONF = hsm.conf;
    opts = { modulePath: hsm.modulePath };
  });

  afterAll(() => {
    finalizeModules();
    hsm.remove();
  });

  it('generates an ECDSA P-256 key on the token, non-extractable, and signs DER signatures that verify', async () => {
    const pins = scriptedPins([PIN, PIN]);
    const enrolled = await generateTokenKey(
      'pkcs11:token=alice',
      'ecdsa-p256',
      'root-2026',
      pins,
      opts,
    );
    expect(enrolled.key.keytype).toBe('ecdsa');
    expect(enrolled.key.scheme).toBe('ecdsa-sha2-nistp256');
    expect(enrolled.token.label).toBe('alice');
    const ref = parsePkcs11Uri(enrolled.keyRef);
    expect(ref).toMatchObject({ token: 'alice', object: 'root-2026', modulePath: hsm.modulePath });
    expect(ref.id?.length).toBe(8);
    expect(hsm.privateKeyAttributes('alice', PIN, 'root-2026')).toEqual([
      { token: true, private: true, sensitive: true, extractable: false, sign: true },
    ]);

    const signer = await openPkcs11Signer(enrolled.keyRef, pins, enrolled.key, opts);
    try {
      expect(signer.keyid).toBe(computeKeyid(enrolled.key));
      const sig = await signAndCheck(signer, BYTES);
      expect(sig.sig.startsWith('30')).toBe(true);
      expect(checkSignature(publicKeyHandle(enrolled.key), BYTES, sig.sig)).toBe(true);
      const tampered = new Uint8Array(BYTES);
      tampered[0] = (tampered[0] ?? 0) ^ 1;
      expect(checkSignature(publicKeyHandle(enrolled.key), tampered, sig.sig)).toBe(false);
    } finally {
      await signer.close();
    }
    expect(pins.asked).toEqual(['PIN: token "alice"', 'PIN: token "alice"']);
  });

  it('generates an Ed25519 key (CKK_EC_EDWARDS) and signs with CKM_EDDSA', async () => {
    const pins = scriptedPins([PIN, PIN]);
    const enrolled = await generateTokenKey('pkcs11:token=alice', 'ed25519', 'ed-2026', pins, opts);
    expect(enrolled.key.keytype).toBe('ed25519');
    expect(enrolled.key.keyval.public).toMatch(/^[0-9a-f]{64}$/);
    const registry = new KeyRefRegistry([pkcs11KeyRefResolver(opts)]);
    const signer = await registry.open(enrolled.keyRef, pins, enrolled.key);
    try {
      const sig = await signAndCheck(signer, BYTES);
      expect(sig.sig).toHaveLength(128);
    } finally {
      await signer.close();
    }
  });

  it('refuses to generate a second key with a label already on the token', async () => {
    const err = await failure(
      generateTokenKey('pkcs11:token=alice', 'ecdsa-p256', 'root-2026', scriptedPins([PIN]), opts),
    );
    expect(isCeremonyError(err, 'HSM')).toBe(true);
    expect(err.message).toMatch(/already has a key "root-2026"/);
  });

  it('enrolls existing P-256 and Ed25519 keys, reading their public keys from the token', async () => {
    const p256 = await enrollTokenKey(
      'pkcs11:token=bob;object=existing',
      scriptedPins([PIN]),
      opts,
    );
    expect(p256.key.scheme).toBe('ecdsa-sha2-nistp256');
    expect(p256.object).toEqual({ label: 'existing', id: '01' });
    expect(p256.keyRef).toContain('id=%01');
    const ed = await enrollTokenKey('pkcs11:token=bob;id=%02', scriptedPins([PIN]), opts);
    expect(ed.key.keytype).toBe('ed25519');
    expect(keyFingerprint(ed.key)).not.toBe(keyFingerprint(p256.key));

    const pins = scriptedPins([PIN]);
    const signer = await openPkcs11Signer(p256.keyRef, pins, p256.key, opts);
    try {
      await signAndCheck(signer, BYTES);
      await signAndCheck(signer, BYTES); // one login serves the whole signing session
    } finally {
      await signer.close();
    }
    expect(pins.asked).toHaveLength(1);
  });

  it('signs with a key that needs the PIN for every signature (CKA_ALWAYS_AUTHENTICATE)', async () => {
    const pins = scriptedPins([PIN]);
    const signer = await openPkcs11Signer('pkcs11:token=bob;object=always', pins, undefined, opts);
    try {
      await signAndCheck(signer, BYTES);
      await signAndCheck(signer, BYTES);
    } finally {
      await signer.close();
    }
    expect(pins.asked).toEqual(['PIN: token "bob"']);
  });

  it('finds the module by itself and records it by name, so the reference works on other machines', async () => {
    const enrolled = await enrollTokenKey('pkcs11:token=bob;object=existing', scriptedPins([PIN]));
    expect(enrolled.keyRef).toMatch(
      /^pkcs11:token=bob;serial=[0-9a-f]+;id=%01;object=existing\?module-name=softhsm2$/,
    );
    const signer = await openPkcs11Signer(enrolled.keyRef, scriptedPins([PIN]), enrolled.key);
    try {
      await signAndCheck(signer, BYTES);
    } finally {
      await signer.close();
    }
  });

  it('refuses a generation URI whose object differs from the label', async () => {
    await expect(
      generateTokenKey('pkcs11:token=alice;object=a', 'ecdsa-p256', 'b', scriptedPins([]), opts),
    ).rejects.toThrow(/names object=a but the key label is "b"/);
  });

  it('reads a public key without a PIN, equal to the enrolled one', async () => {
    const enrolled = await enrollTokenKey(
      'pkcs11:token=bob;object=existing',
      scriptedPins([PIN]),
      opts,
    );
    expect(await readTokenPublicKey('pkcs11:token=bob;id=%01', opts)).toEqual(enrolled.key);
    await expect(readTokenPublicKey('pkcs11:token=bob', opts)).rejects.toThrow(/names no key/);
    await expect(readTokenPublicKey('pkcs11:token=bob;object=none', opts)).rejects.toThrow(
      /no public key or certificate "none" visible without a PIN/,
    );
  });

  it('lists tokens and their keys with fingerprints and usable URIs, without a PIN', async () => {
    const tokens = await listTokens(opts);
    expect(tokens.map((t) => t.label).sort()).toEqual(['alice', 'bob', 'twin', 'twin']);
    const bob = tokens.find((t) => t.label === 'bob');
    const existing = bob?.keys.find((k) => k.label === 'existing');
    const enrolled = await enrollTokenKey(existing?.uri ?? '', scriptedPins([PIN]), opts);
    expect(existing?.fingerprint).toBe(keyFingerprint(enrolled.key));
    expect(existing?.keyid).toBe(computeKeyid(enrolled.key));
    expect(bob?.pin).toBe('ok');
  });

  it('asks again after a wrong PIN, saying what the token reports about the tries left', async () => {
    const pins = scriptedPins(['000000', PIN]);
    await enrollTokenKey('pkcs11:token=bob;object=existing', pins, opts);
    expect(pins.asked[1]).toMatch(
      /PIN: token "bob" \(wrong PIN; the token reports few tries left\)/,
    );
  });

  it('fails after three wrong PINs with the tries reported, never echoing a PIN', async () => {
    const err = await failure(
      enrollTokenKey(
        'pkcs11:token=bob;object=existing',
        scriptedPins(['111111', '222222', '333333']),
        opts,
      ),
    );
    expect(isCeremonyError(err, 'HSM')).toBe(true);
    expect(err.message).toMatch(
      /token "bob".*wrong PIN, 3 attempt\(s\); the token reports few tries left \(CKR_PIN_INCORRECT\)/,
    );
    expect(err.message).not.toMatch(/111111|222222|333333/);
  });

  it('does not send the same wrong PIN twice', async () => {
    const pins = scriptedPins(['999999', '999999']);
    const err = await failure(enrollTokenKey('pkcs11:token=bob;object=existing', pins, opts));
    expect(err.message).toMatch(/same PIN was given again, so it was not sent/);
    expect(err.message).not.toContain('999999');
  });

  it('asks a source that cannot answer differently (an environment variable) only once', async () => {
    const pins = scriptedPins(['888888', PIN], false);
    const err = await failure(enrollTokenKey('pkcs11:token=bob;object=existing', pins, opts));
    expect(err.message).toMatch(/wrong PIN, 1 attempt\(s\); the token reports few tries left/);
    expect(pins.asked).toHaveLength(1);
  });

  it('reports a missing token with the tokens that are present', async () => {
    const err = await failure(
      enrollTokenKey('pkcs11:token=carol;object=k', scriptedPins([]), opts),
    );
    expect(isCeremonyError(err, 'HSM')).toBe(true);
    expect(err.message).toMatch(/no token matches token="carol"; .*present: .*"alice".*"bob"/);
  });

  it('reports a URI matching two tokens with both candidates, and resolves it by slot-id', async () => {
    const err = await failure(enrollTokenKey('pkcs11:token=twin;object=k', scriptedPins([]), opts));
    expect(err.message).toMatch(/2 tokens match token="twin"; add token=, serial= or slot-id=/);
    expect(err.message.match(/"twin" \(serial [0-9a-f]+/g)).toHaveLength(2);
    const tokens = await listTokens(opts);
    const withKey = tokens.find((t) => t.label === 'twin' && t.keys.length > 0);
    expect(twinSlots).toContain(withKey?.slotId);
    const uri = `pkcs11:token=twin;slot-id=${withKey?.slotId ?? -1};object=k`;
    const enrolled = await enrollTokenKey(uri, scriptedPins([PIN]), opts);
    expect(enrolled.token.label).toBe('twin');
  });

  it('reports a key that is not on the token, listing the keys that are', async () => {
    const err = await failure(
      enrollTokenKey('pkcs11:token=bob;object=nope', scriptedPins([PIN]), opts),
    );
    expect(err.message).toMatch(
      /no private key "nope" found \(keys on the token: .*"existing" id 01/,
    );
  });

  it('refuses to enroll a key without CKA_SIGN, and the token refuses it to sign', async () => {
    const err = await failure(
      enrollTokenKey('pkcs11:token=bob;object=derive-only', scriptedPins([PIN]), opts),
    );
    expect(err.message).toMatch(
      /not allowed to sign \(CKA_SIGN is false\) \(CKR_KEY_FUNCTION_NOT_PERMITTED\)/,
    );
    const signer = await openPkcs11Signer(
      'pkcs11:token=bob;object=derive-only',
      scriptedPins([PIN]),
      undefined,
      opts,
    );
    try {
      const signErr = await failure(signer.sign(BYTES));
      expect(isCeremonyError(signErr, 'HSM')).toBe(true);
      expect(signErr.message).toMatch(
        /signing with key "derive-only" id 03: the key is not allowed to sign .*\(CKR_KEY_FUNCTION_NOT_PERMITTED\)/,
      );
    } finally {
      await signer.close();
    }
  });

  it('refuses to open a token key that is not the enrolled key (KEY_MISMATCH)', async () => {
    const other = await enrollTokenKey(
      'pkcs11:token=bob;object=existing-ed',
      scriptedPins([PIN]),
      opts,
    );
    const err = await failure(
      openPkcs11Signer('pkcs11:token=bob;object=existing', scriptedPins([PIN]), other.key, opts),
    );
    expect(isCeremonyError(err, 'KEY_MISMATCH')).toBe(true);
    expect(err.message).toContain(keyFingerprint(other.key));
  });

  it('refuses a closed signer', async () => {
    const signer = await openPkcs11Signer(
      'pkcs11:token=bob;object=existing',
      scriptedPins([PIN]),
      undefined,
      opts,
    );
    await signer.close();
    const err = await failure(signer.sign(BYTES));
    expect(err.message).toMatch(/already closed/);
  });
});
