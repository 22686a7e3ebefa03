import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../../../src/metadata/canonical.js';
import { allBinNames } from '../../../../src/metadata/delegation.js';
import { verifyRepository, type VerifyReport } from '../../../../src/metadata/client/index.js';
import { parseRole } from '../../../../src/metadata/client/parse-role.js';
import { CeremonyError } from '../../../../src/metadata/errors.js';
import type { Key, RoleKeys, RootSigned, TargetsSigned } from '../../../../src/metadata/model.js';
import type { RoleType } from '../../../../src/metadata/parse.js';
import { verifyRoleSignatures } from '../../../../src/metadata/verify.js';
import { MemorySource } from './memory-source.js';
import { mutate, Rng } from './mutator.js';
import { NOW, TestRepo } from './test-repo.js';

// Fuzzing parse and verify: FUZZ_INPUTS mutated files (default 10,000; docs/fuzzing.md records
// a run of 1,000,000) from FUZZ_SEED (random unless set; printed with any failure). Every input
// is parsed and its signatures checked against the keys that trust the file; one in
// FULL_EVERY also goes through the whole client workflow. Oracle: no exception other than a
// one-line CeremonyError escapes, and a mutated file is trusted only when what its signatures
// cover (the canonical form of `signed`) is unchanged, or when the client never read it.

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FULL_EVERY = 20;
/** A file the long run writes its progress to (inputs done), for runs that may be cut short. */
const PROGRESS = process.env.FUZZ_PROGRESS;
const TARGETS = ['files/a.txt', 'other/z.txt', 'bin/x.txt', 'docs/only-fallback.txt'];

interface Trust {
  type: RoleType;
  keys: Readonly<Record<string, Key>>;
  roleKeys: RoleKeys;
  canonical: Uint8Array;
}

function envelope(source: MemorySource, name: string): { signed: Record<string, unknown> } {
  return source.json(name) as { signed: Record<string, unknown> };
}

/** For each metadata file: its type, the keys that must sign it and its canonical `signed`. */
function trustOf(source: MemorySource): Map<string, Trust> {
  const trust = new Map<string, Trust>();
  const names = [...source.files.keys()].filter((n) => !n.startsWith('targets/'));
  const roots = names.filter((n) => n.endsWith('.root.json')).sort();
  const last = envelope(source, roots[roots.length - 1] as string).signed as unknown as RootSigned;
  const delegated = new Map<string, { keys: Record<string, Key>; roleKeys: RoleKeys }>();
  for (const name of names) {
    const signed = envelope(source, name).signed;
    if (signed._type !== 'targets') continue;
    const d = (signed as unknown as TargetsSigned).delegations;
    if (!d) continue;
    for (const r of d.roles ?? []) delegated.set(r.name, { keys: d.keys, roleKeys: r });
    if (d.succinct_roles) {
      for (const bin of allBinNames(d.succinct_roles))
        delegated.set(bin, { keys: d.keys, roleKeys: d.succinct_roles });
    }
  }
  for (const name of names) {
    const signed = envelope(source, name).signed;
    const type = signed._type as RoleType;
    const canonical = canonicalBytes(signed);
    if (type === 'root') {
      const root = signed as unknown as RootSigned;
      trust.set(name, { type, keys: root.keys, roleKeys: root.roles.root as RoleKeys, canonical });
    } else if (type === 'targets' && !/^\d+\.targets\.json$/.test(name)) {
      const role = name.replace(/^\d+\./, '').replace(/\.json$/, '');
      const by = delegated.get(role);
      if (!by) throw new Error(`no delegation for ${name}`);
      trust.set(name, { type, ...by, canonical });
    } else {
      trust.set(name, { type, keys: last.keys, roleKeys: last.roles[type] as RoleKeys, canonical });
    }
  }
  return trust;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function summary(report: VerifyReport): string {
  return JSON.stringify([
    report.roles.map((r) => [r.name, r.file, r.version, r.expires, [...r.result.signed].sort()]),
    report.targets,
  ]);
}

/** A failure is a short one-line CeremonyError; anything else is a finding. */
function checkFailure(err: unknown, context: string): void {
  if (!(err instanceof CeremonyError)) {
    throw new Error(`${context}: escaped ${String(err)}`, { cause: err });
  }
  expect(err.message, context).not.toMatch(/[\n\r]/);
  expect(err.message.length, `${context}: ${err.message.slice(0, 300)}`).toBeLessThan(2000);
}

describe('fuzzing parse and verify', () => {
  it(
    `survives ${INPUTS} mutated files without an escaped exception or a wrong trust`,
    async () => {
      const repo = await new TestRepo().init();
      await repo.rotateRoot(repo.rootKeys, repo.rootKeys);
      const pristine = await repo.publish();
      const trust = trustOf(pristine);
      const names = [...pristine.files.keys()].sort();
      const trustedRoot = repo.trustedRoot();
      const expected = summary(
        await verifyRepository({ trustedRoot, source: pristine, now: NOW, targets: TARGETS }),
      );
      const rng = new Rng(SEED);
      let trustedFiles = 0;
      let fullRuns = 0;
      for (let i = 0; i < INPUTS; i++) {
        if (PROGRESS !== undefined && i % 10_000 === 0) writeFileSync(PROGRESS, `${SEED} ${i}\n`);
        const name = rng.pick(names);
        const original = pristine.files.get(name) as Uint8Array;
        const other = pristine.files.get(rng.pick(names)) as Uint8Array;
        const bytes = mutate(rng, original, other);
        const context = `seed ${SEED} input ${i} (${name})`;
        const t = trust.get(name);
        if (t !== undefined) {
          // parse, then the signatures of the file against the keys that trust it.
          try {
            const parsed = parseRole(bytes, t.type, name, name);
            const result = verifyRoleSignatures(
              name,
              parsed.canonical,
              parsed.metadata.signatures,
              t.keys,
              t.roleKeys,
            );
            if (result.verified) {
              trustedFiles++;
              expect(sameBytes(parsed.canonical, t.canonical), `${context}: trusted a change`).toBe(
                true,
              );
            }
          } catch (err) {
            checkFailure(err, context);
          }
        }
        if (i % FULL_EVERY !== 0) continue;
        fullRuns++;
        const files = new Map(pristine.files);
        files.set(name, bytes);
        const source = new MemorySource(files);
        let report: VerifyReport | undefined;
        try {
          report = await verifyRepository({ trustedRoot, source, now: NOW, targets: TARGETS });
        } catch (err) {
          checkFailure(err, context);
          continue;
        }
        // Trusted: the mutated file was never read, or what its signatures cover is unchanged
        // (only root and timestamp files are listed by no hash), and the result is the same.
        expect(summary(report), context).toBe(expected);
        const read = source.requests.includes(name.replace(/^targets\//, 'targets/'));
        if (!read || sameBytes(bytes, original)) continue;
        expect(t, `${context}: trusted a changed file listed by hash`).toBeDefined();
        expect(t?.type === 'root' || name === 'timestamp.json', context).toBe(true);
        const parsed = parseRole(bytes, (t as Trust).type, name, name);
        expect(sameBytes(parsed.canonical, (t as Trust).canonical), context).toBe(true);
      }
      if (PROGRESS !== undefined) writeFileSync(PROGRESS, `${SEED} ${INPUTS} done\n`);
      // The oracle is not vacuous: some mutations are neutral (whitespace, signature order).
      expect(trustedFiles).toBeGreaterThan(0);
      expect(fullRuns).toBe(Math.ceil(INPUTS / FULL_EVERY));
    },
    Math.max(120_000, INPUTS * 20),
  );
});
