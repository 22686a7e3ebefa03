import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { publicKeyHandle } from '../../../src/metadata/keys.js';
import { checkSignature, validChecks } from '../../../src/metadata/signature-check.js';
import {
  loadCheckedSignatures,
  saveCheckedSignatures,
} from '../../../src/repo/checked-signatures.js';
import { SoftwareSigner, generatePrivateKey } from '../../../src/signing/software-signer.js';

// Signature checks one command found valid are handed to the next on the same machine: only
// valid ones, each standing for exactly one key, signature and content.

describe('checked signatures handed between commands', () => {
  it('records valid checks only, and each stands for its key, signature and bytes alone', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'tuf-ceremony-checked-'));
    try {
      const env = { TUF_CEREMONY_CACHE: cache };
      const signer = new SoftwareSigner(generatePrivateKey('ed25519'));
      const handle = publicKeyHandle(signer.key);
      const bytes = new TextEncoder().encode(`{"_type":"targets","version":${Date.now()}}`);
      const { sig } = await signer.sign(bytes);
      const before = new Set(validChecks());
      expect(checkSignature(handle, bytes, sig)).toBe(true);
      const forged = sig.replace(/^../, sig.startsWith('00') ? '01' : '00');
      expect(checkSignature(handle, bytes, forged)).toBe(false);
      const added = validChecks().filter((k) => !before.has(k));
      expect(added).toHaveLength(1);

      await saveCheckedSignatures(env);
      const file = join(cache, 'checked-signatures.txt');
      const lines = (await readFile(file, 'utf8')).trim().split('\n');
      expect(lines).toContain(added[0]);
      expect(lines.every((l) => /^[0-9a-f]{64}$/.test(l))).toBe(true);

      // Garbage in the file is ignored; a recorded check never makes other bytes valid.
      await writeFile(file, `not a check\n${'z'.repeat(64)}\n${lines.join('\n')}\n`);
      await loadCheckedSignatures(env);
      expect(checkSignature(handle, bytes, sig)).toBe(true);
      const other = new TextEncoder().encode('{"_type":"targets","version":0}');
      expect(checkSignature(handle, other, sig)).toBe(false);
      expect(checkSignature(handle, bytes, forged)).toBe(false);
      // The next save appends only the new valid check; what is not a check is never taken.
      expect(checkSignature(handle, other, (await signer.sign(other)).sig)).toBe(true);
      await saveCheckedSignatures(env);
      const kept = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
      expect(kept).toContain(added[0]);
      expect(kept.filter((l) => /^[0-9a-f]{64}$/.test(l))).toHaveLength(lines.length + 1);
      // Nothing new: nothing written.
      await saveCheckedSignatures(env);
      expect((await readFile(file, 'utf8')).split('\n').filter((l) => l !== '')).toEqual(kept);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  it('rewrites the record with the most recent checks once appends would double it', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'tuf-ceremony-checked-'));
    try {
      const env = { TUF_CEREMONY_CACHE: cache };
      const file = join(cache, 'checked-signatures.txt');
      const old = Array.from({ length: 6 }, (_, i) => String(i).repeat(64));
      // A line cut short by a crash, then six older checks.
      await writeFile(file, `${'a'.repeat(30)}\n${old.join('\n')}\n`);
      await loadCheckedSignatures(env);
      const signer = new SoftwareSigner(generatePrivateKey('ed25519'));
      const bytes = new TextEncoder().encode(`{"_type":"targets","version":${Date.now()}}`);
      expect(
        checkSignature(publicKeyHandle(signer.key), bytes, (await signer.sign(bytes)).sig),
      ).toBe(true);
      const added = validChecks().at(-1);
      await saveCheckedSignatures(env, 4);
      const kept = (await readFile(file, 'utf8')).trim().split('\n');
      expect(kept).toEqual([...old.slice(-3), added]);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  it('answers the same before and after its text is taken into the map (many lookups)', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'tuf-ceremony-checked-'));
    try {
      const env = { TUF_CEREMONY_CACHE: cache };
      const signer = new SoftwareSigner(generatePrivateKey('ed25519'));
      const handle = publicKeyHandle(signer.key);
      const now = Date.now();
      const signed = await Promise.all(
        Array.from({ length: 80 }, async (_, i) => {
          const bytes = new TextEncoder().encode(`{"n":${i},"t":${now}}`);
          return { bytes, sig: (await signer.sign(bytes)).sig };
        }),
      );
      for (const { bytes, sig } of signed) expect(checkSignature(handle, bytes, sig)).toBe(true);
      await saveCheckedSignatures(env);
      // A later process (fresh modules) reading the record: every lookup answers as a check would.
      vi.resetModules();
      const later = await import('../../../src/metadata/signature-check.js');
      await (await import('../../../src/repo/checked-signatures.js')).loadCheckedSignatures(env);
      const forged = (sig: string) => sig.replace(/^../, sig.startsWith('00') ? '01' : '00');
      for (const { bytes, sig } of signed) {
        expect(later.checkSignature(handle, bytes, sig)).toBe(true);
        expect(later.checkSignature(handle, bytes, forged(sig))).toBe(false);
      }
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  it('saves nothing where the cache folder cannot be written, and loads nothing from none', async () => {
    const base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-checked-'));
    try {
      await writeFile(join(base, 'file'), '');
      const env = { TUF_CEREMONY_CACHE: join(base, 'file', 'cache') };
      await expect(loadCheckedSignatures(env)).resolves.toBeUndefined();
      await expect(saveCheckedSignatures(env)).resolves.toBeUndefined();
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
