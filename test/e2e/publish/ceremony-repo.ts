import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { newRoot, setRoleKeys } from '../../../src/metadata/build.js';
import { canonicalBytes } from '../../../src/metadata/canonical.js';
import { sha256Hex } from '../../../src/metadata/bytes.js';
import type { Metadata, RootSigned, Signature } from '../../../src/metadata/model.js';
import { signAndCheck } from '../../../src/metadata/sign.js';
import { verifyRoleSignatures } from '../../../src/metadata/verify.js';
import { ed25519FromSeed, SoftwareSigner } from '../../../src/signing/software-signer.js';
import type { CeremonyStatusView } from '../../../src/publish/status-view.js';

/** Holders of the test ceremony, each with a deterministic ed25519 key. */
export const HOLDERS = ['alice', 'bob', 'carol'] as const;

/** The signer of a test holder. */
export function signerOf(holder: string): SoftwareSigner {
  const seed = new Uint8Array(32).fill(HOLDERS.indexOf(holder as 'alice') + 1);
  return new SoftwareSigner(ed25519FromSeed(seed));
}

/** The ceremony id used by the tests. */
export const CEREMONY_ID = '2026-11-23-root-v2';

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** Writes the staging area of a root v2 ceremony (threshold 2 of alice, bob, carol). */
export async function stageRootDraft(dir: string): Promise<RootSigned> {
  let signed = newRoot({
    version: 2,
    expires: Date.UTC(2027, 10, 23),
    thresholds: { root: 2, targets: 2, snapshot: 1, timestamp: 1 },
  });
  const keys = HOLDERS.map((h) => signerOf(h).key);
  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) {
    signed = setRoleKeys(signed, role, keys, role === 'root' || role === 'targets' ? 2 : 1);
  }
  const draft: Metadata<RootSigned> = { signed, signatures: [] };
  await writeText(join(dir, 'staged', 'root.json'), `${JSON.stringify(draft, null, 2)}\n`);
  const ceremony = {
    id: CEREMONY_ID,
    created: '2026-11-23T09:00:00Z',
    base: { root: 1 },
    roles: ['root'],
  };
  await writeText(join(dir, 'staged', 'ceremony.json'), `${JSON.stringify(ceremony, null, 2)}\n`);
  return signed;
}

async function readDraft(dir: string): Promise<RootSigned> {
  const text = await readFile(join(dir, 'staged', 'root.json'), 'utf8');
  return (JSON.parse(text) as Metadata<RootSigned>).signed;
}

/** Signs the staged root as `holder`: their signature file and their transcript line. */
export async function signAs(dir: string, holder: string): Promise<string[]> {
  const bytes = canonicalBytes(await readDraft(dir));
  const sig = await signAndCheck(signerOf(holder), bytes);
  const file = {
    holder,
    signatures: {
      root: [{ ...sig, signed_sha256: sha256Hex(bytes), signed_at: '2026-11-23T09:30:00Z' }],
    },
  };
  const sigPath = join('staged', 'signatures', `${holder}.json`);
  const logPath = join('ceremony-logs', CEREMONY_ID, `${holder}.jsonl`);
  await writeText(join(dir, sigPath), `${JSON.stringify(file, null, 2)}\n`);
  await writeText(join(dir, logPath), `${JSON.stringify({ event: 'signed', holder })}\n`);
  return [sigPath, logPath];
}

/** Derives the publishing status view from the files in `dir` (verifying every signature). */
export async function statusOf(dir: string): Promise<CeremonyStatusView> {
  const signed = await readDraft(dir);
  const bytes = canonicalBytes(signed);
  const digest = sha256Hex(bytes);
  const sigDir = join(dir, 'staged', 'signatures');
  const files = await readdir(sigDir).catch(() => [] as string[]);
  const signatures: Signature[] = [];
  const byKeyid = new Map<string, string>();
  const stale: string[] = [];
  for (const name of files.sort()) {
    const parsed = JSON.parse(await readFile(join(sigDir, name), 'utf8')) as {
      holder: string;
      signatures: { root: (Signature & { signed_sha256: string })[] };
    };
    for (const s of parsed.signatures.root) {
      if (s.signed_sha256 !== digest) {
        stale.push(parsed.holder);
        continue;
      }
      signatures.push({ keyid: s.keyid, sig: s.sig });
      byKeyid.set(s.keyid, parsed.holder);
    }
  }
  const rootKeys = signed.roles.root;
  if (rootKeys === undefined) throw new Error('draft has no root role');
  const result = verifyRoleSignatures('root', bytes, signatures, signed.keys, rootKeys);
  const validSigners = result.signed.map((k) => byKeyid.get(k) ?? k);
  const missing = HOLDERS.filter((h) => !validSigners.includes(h) && !stale.includes(h));
  return {
    ceremonyId: CEREMONY_ID,
    ready: result.verified,
    roles: [
      {
        name: 'root',
        version: signed.version,
        expires: signed.expires,
        threshold: rootKeys.threshold,
        validSigners,
        missing,
        stale,
        sha256: digest,
      },
    ],
  };
}
