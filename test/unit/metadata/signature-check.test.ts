import { describe, expect, it } from 'vitest';
import { publicKeyHandle } from '../../../src/metadata/keys.js';
import { checkSignature } from '../../../src/metadata/signature-check.js';
import { SoftwareSigner, generatePrivateKey } from '../../../src/signing/software-signer.js';

// checkSignature remembers outcomes by the sha256 of the bytes: the same bytes object changed in
// place must be checked again, and a remembered failure must stay a failure.

describe('checkSignature remembers outcomes by content', () => {
  it('re-checks bytes changed in place and keeps failures failing', async () => {
    for (const scheme of ['ed25519', 'ecdsa-p256'] as const) {
      const signer = new SoftwareSigner(generatePrivateKey(scheme));
      const handle = publicKeyHandle(signer.key);
      const bytes = new TextEncoder().encode('{"_type":"targets","version":1}');
      const { sig } = await signer.sign(bytes);
      expect(checkSignature(handle, bytes, sig)).toBe(true);
      expect(checkSignature(handle, bytes, sig)).toBe(true);
      const original = bytes[2] ?? 0;
      bytes[2] = 0x41;
      expect(checkSignature(handle, bytes, sig)).toBe(false);
      expect(checkSignature(handle, bytes, sig)).toBe(false);
      bytes[2] = original;
      expect(checkSignature(handle, bytes, sig)).toBe(true);
      const other = new TextEncoder().encode('{"_type":"targets","version":2}');
      expect(checkSignature(handle, other, sig)).toBe(false);
      const large = new Uint8Array((1 << 20) + 1).fill(7);
      const bigSig = (await signer.sign(large)).sig;
      expect(checkSignature(handle, large, bigSig)).toBe(true);
      large[0] = 8;
      expect(checkSignature(handle, large, bigSig)).toBe(false);
    }
  });
});
