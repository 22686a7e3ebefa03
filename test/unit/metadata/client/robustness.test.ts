import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyRepository } from '../../../../src/metadata/client/index.js';
import { CeremonyError } from '../../../../src/metadata/errors.js';
import { MemorySource } from './memory-source.js';
import { NOW, TestRepo } from './test-repo.js';

let repo: TestRepo;
let pristine: MemorySource;
let names: string[];
const TARGETS = ['files/a.txt', 'other/z.txt', 'bin/x.txt', 'docs/only-fallback.txt'];

beforeAll(async () => {
  repo = await new TestRepo().init();
  await repo.rotateRoot(repo.rootKeys, repo.rootKeys);
  pristine = await repo.publish();
  names = [...pristine.files.keys()].filter((n) => n !== '1.root.json').sort();
});

function parse(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

async function outcome(change: (files: Map<string, Uint8Array>) => void): Promise<unknown> {
  const files = new Map(pristine.files);
  change(files);
  return verifyRepository({
    trustedRoot: repo.trustedRoot(),
    source: new MemorySource(files),
    now: NOW,
    targets: TARGETS,
  }).then(
    () => 'trusted',
    (err: unknown) => err,
  );
}

describe('verifyRepository on damaged repositories', () => {
  it('answers a changed byte anywhere with a trusted result or a one-line CeremonyError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (fileIndex, position, xor) => {
          const name = names[fileIndex % names.length] as string;
          const original = pristine.files.get(name) as Uint8Array;
          const bytes = new Uint8Array(original);
          const i = position % bytes.length;
          bytes[i] = (bytes[i] ?? 0) ^ xor;
          const result = await outcome((files) => files.set(name, bytes));
          if (result !== 'trusted') {
            expect(result).toBeInstanceOf(CeremonyError);
            expect((result as Error).message).not.toContain('\n');
            return;
          }
          // Only a file no other file lists by hash (a root, or timestamp.json, which
          // no role lists) may change, and only outside the signed canonical bytes:
          // whitespace (TUF spec 5.3.4 and 5.4.2 check signatures over canonical JSON).
          expect(name).toMatch(/(\.root|^timestamp)\.json$/);
          expect(parse(bytes)).toEqual(parse(original));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers a truncated or missing file with a CeremonyError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.boolean(), async (fileIndex, cut, remove) => {
        const name = names[fileIndex % names.length] as string;
        const result = await outcome((files) => {
          const bytes = files.get(name) as Uint8Array;
          if (remove) files.delete(name);
          else files.set(name, bytes.slice(0, cut % bytes.length));
        });
        // Without the newest root a client stops at the root it has: still trusted.
        if (remove && name === '2.root.json') expect(result).toBe('trusted');
        else expect(result).toBeInstanceOf(CeremonyError);
      }),
      { numRuns: 100 },
    );
  });
});
