import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventLine, nextEvent, type TranscriptEvent } from '../../../src/ceremony/transcript.js';
import type { StagedDraft } from '../../../src/ceremony/staging.js';
import type { TargetsSigned } from '../../../src/metadata/model.js';
import { serializeRole } from '../../../src/metadata/build-meta.js';
import { canonicalBytes } from '../../../src/metadata/canonical.js';
import { prettyJson } from '../../../src/metadata/serialize.js';
import { ceremonyPaths, draftFile } from '../../../src/repo/ceremony-paths.js';
import { writeFilesDurably } from '../../../src/repo/durable-batch.js';
import { loadStaging, toDraft, writeStaging } from '../../../src/repo/staging-store.js';
import { isTemporaryName, temporaryPath } from '../../../src/repo/temporary-files.js';
import { appendEvents } from '../../../src/repo/transcript-store.js';

// What stage writes after planning: the drafts' files, staged/ceremony.json and the transcript's
// role.staged events, compared with the plain serializations they must equal byte for byte.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-stage-writes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const targetPath = fc.stringMatching(/^[a-z0-9][a-z0-9/._ "\\\u00e9-]{0,30}$/);
const target = fc.record(
  {
    length: fc.nat(),
    hashes: fc.record({ sha256: hex(64), sha512: hex(128) }, { requiredKeys: ['sha256'] }),
    custom: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })),
  },
  { requiredKeys: ['length', 'hashes'] },
);
const targetsSigned = fc.record({
  version: fc.integer({ min: 1, max: 1000 }),
  targets: fc.dictionary(targetPath, target, { maxKeys: 12 }),
});

function signedOf(value: { version: number; targets: TargetsSigned['targets'] }): TargetsSigned {
  return {
    _type: 'targets',
    spec_version: '1.0.31',
    version: value.version,
    expires: '2027-01-01T00:00:00Z',
    targets: value.targets,
  };
}

/** The staged ceremony listing `drafts` by their canonical sha256. */
function ceremonyOf(drafts: readonly StagedDraft[]) {
  return {
    id: 'c1',
    created: '2026-01-01T00:00:00Z',
    roles: drafts.map((d) => d.role),
    base: {},
    drafts: Object.fromEntries(drafts.map((d) => [d.role, d.sha256])),
  };
}

describe('stage writes', () => {
  it('writes each draft as the pretty envelope and lists its canonical sha256', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(targetsSigned, { minLength: 1, maxLength: 5 }), async (values) => {
        const root = await mkdtemp(join(dir, 'r-'));
        const paths = ceremonyPaths(root);
        const drafts = values.map((v, i) =>
          toDraft(`bins-${i}`, { signed: signedOf(v), signatures: [] }),
        );
        const ceremony = ceremonyOf(drafts);
        let seen = 0;
        await writeStaging(paths, ceremony, drafts, () => seen++);
        expect(seen).toBe(drafts.length);
        for (const d of drafts) {
          expect(await readFile(draftFile(paths, d.role), 'utf8')).toBe(prettyJson(d.metadata));
        }
        expect(await readFile(paths.stagedCeremony, 'utf8')).toBe(prettyJson(ceremony));
        const loaded = await loadStaging(paths);
        expect([...(loaded?.drafts.values() ?? [])].map((d) => d.sha256)).toEqual(
          drafts.map((d) => d.sha256),
        );
        expect((await readdir(paths.staged)).filter(isTemporaryName)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps a large draft file as made and read, and the release sets signatures into it', async () => {
    const paths = ceremonyPaths(dir);
    const targets: TargetsSigned['targets'] = {};
    for (let i = 0; i < 8000; i++)
      targets[`pkg/${String(i).padStart(5, '0')}.tgz`] = {
        hashes: { sha256: 'ab'.repeat(32) },
        length: i,
      };
    const small = toDraft('small', {
      signed: signedOf({ version: 1, targets: {} }),
      signatures: [],
    });
    const large = toDraft('large', { signed: signedOf({ version: 2, targets }), signatures: [] });
    expect(small.unsignedFile).toBeUndefined();
    expect(Buffer.from(large.unsignedFile ?? []).toString()).toBe(prettyJson(large.metadata));
    expect(large.canonical).toEqual(canonicalBytes(large.metadata.signed));
    const drafts = [small, large];
    const ceremony = ceremonyOf(drafts);
    await writeStaging(paths, ceremony, drafts);
    const file = await readFile(draftFile(paths, 'large'));
    expect(file.toString()).toBe(prettyJson(large.metadata));
    const loaded = (await loadStaging(paths))?.drafts.get('large');
    expect(loaded?.sha256).toBe(large.sha256);
    expect(Buffer.from(loaded?.unsignedFile ?? []).equals(file)).toBe(true);
    const signatures = [{ keyid: 'k1', sig: 's1' }];
    const metadata = { signed: large.metadata.signed, signatures };
    const spliced = serializeRole('large', metadata, undefined, loaded?.unsignedFile);
    expect(Buffer.from(spliced.file.bytes).toString()).toBe(prettyJson(metadata));
    // A draft whose whitespace was changed by hand is still loaded, but laid out anew.
    await writeFile(draftFile(paths, 'large'), `${file.toString().slice(0, -1)} \n`);
    expect((await loadStaging(paths))?.drafts.get('large')?.unsignedFile).toBeUndefined();
  });

  it('writes in place only into a folder it creates, through renames elsewhere', async () => {
    const fresh = join(dir, 'fresh');
    await writeFilesDurably(dir, [[join(fresh, 'a.json'), 'a']], { unreferenced: true });
    expect(await readFile(join(fresh, 'a.json'), 'utf8')).toBe('a');
    // An existing folder: a file (or a link planted there) is replaced, never written through.
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'keep');
    await symlink(outside, join(fresh, 'b.json'));
    await writeFilesDurably(
      dir,
      [
        [join(fresh, 'a.json'), 'A'],
        [join(fresh, 'b.json'), 'B'],
      ],
      { unreferenced: true },
    );
    expect(await readFile(join(fresh, 'a.json'), 'utf8')).toBe('A');
    expect(await readFile(join(fresh, 'b.json'), 'utf8')).toBe('B');
    expect(await readFile(outside, 'utf8')).toBe('keep');
    expect((await readdir(fresh)).sort()).toEqual(['a.json', 'b.json']);
  });

  it('refuses to write in place over a file that appears in a new folder', async () => {
    const fresh = join(dir, 'fresh');
    await expect(
      writeFilesDurably(
        dir,
        [
          [join(fresh, 'a.json'), 'a'],
          [join(fresh, 'a.json'), 'again'],
        ],
        { unreferenced: true },
      ),
    ).rejects.toThrow(/EEXIST/);
    expect(await readFile(join(fresh, 'a.json'), 'utf8')).toBe('a');
  });

  it('names temporary files apart within a process', () => {
    const names = Array.from({ length: 1000 }, () => temporaryPath('/d', '/d/bins-0.json'));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(isTemporaryName(name.slice(3))).toBe(true);
  });

  it('chains a batch of events exactly as one event at a time would', async () => {
    const data = fc.record({
      role: fc.string({ maxLength: 8 }),
      version: fc.nat(),
      sha256: hex(64),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ data, time: fc.integer({ min: 0, max: 2 ** 40 }) }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.integer({ min: 0, max: 3 }),
        async (inputs, before) => {
          const logDir = await mkdtemp(join(dir, 'log-'));
          const all = inputs.map((i) => ({
            actor: 'coordinator',
            type: 'role.staged' as const,
            time: i.time,
            data: i.data,
          }));
          const head = all.slice(0, Math.min(before, all.length - 1));
          await appendEvents(logDir, head);
          await appendEvents(logDir, all.slice(head.length));
          // One event at a time, each hash from a fresh canonicalization of the event before.
          let last: TranscriptEvent | undefined;
          const expected = all.map((input) => {
            last = nextEvent(last, input);
            return `${eventLine(last)}\n`;
          });
          expect(await readFile(join(logDir, 'coordinator.jsonl'), 'utf8')).toBe(expected.join(''));
        },
      ),
      { numRuns: 60 },
    );
  });
});
