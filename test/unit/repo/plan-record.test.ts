import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyPublishedRepo } from '../../../src/ceremony/published.js';
import { serializedFromBytes } from '../../../src/metadata/serialize.js';
import { planInputsDigest, type PlanInputs } from '../../../src/repo/plan-inputs.js';
import {
  planRecordsDir,
  readPlanRecord,
  recordMatches,
  writePlanRecord,
} from '../../../src/repo/plan-record.js';

let base: string;
let root: string;
let records: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-plan-record-'));
  root = join(base, 'ceremony');
  records = join(base, 'records');
  await mkdir(join(root, 'targets', 'docs'), { recursive: true });
  await mkdir(join(root, 'targets-listed'), { recursive: true });
  await writeFile(join(root, 'ceremony.yaml'), 'name: example\n');
  await writeFile(join(root, 'targets', 'docs', 'a.txt'), 'alpha');
  await writeFile(join(root, 'targets-listed', 'targets.jsonl'), '{"path":"x"}\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function inputs(overrides: Partial<PlanInputs> = {}): PlanInputs {
  return {
    root,
    planFile: join(root, 'ceremony.yaml'),
    keys: [],
    published: emptyPublishedRepo(),
    context: ['tuf-ceremony 0.1.0'],
    ...overrides,
  };
}

describe('planning inputs digest', () => {
  it('stays the same while nothing planning reads changes', async () => {
    expect(await planInputsDigest(inputs())).toBe(await planInputsDigest(inputs()));
  });

  it('changes with every input planning reads', async () => {
    const before = await planInputsDigest(inputs());
    const seen = new Set([before]);
    const changes: (() => Promise<PlanInputs>)[] = [
      async () => {
        await writeFile(join(root, 'ceremony.yaml'), 'name: other\n');
        return inputs();
      },
      async () => {
        // Same length, other bytes: contents count, not sizes or times.
        await writeFile(join(root, 'targets', 'docs', 'a.txt'), 'alphb');
        return inputs();
      },
      async () => {
        await writeFile(join(root, 'targets-listed', 'targets.jsonl'), '{"path":"y"}\n');
        return inputs();
      },
      async () => {
        await writeFile(join(root, 'targets-custom.json'), '{}');
        return inputs();
      },
      async () => {
        await mkdir(join(root, 'delegated-targets', 'docs'), { recursive: true });
        return inputs();
      },
      async () => {
        await writeFile(join(root, 'targets', 'docs', '.gitkeep'), '');
        return inputs();
      },
      () => Promise.resolve(inputs({ context: ['tuf-ceremony 0.2.0'] })),
      () =>
        Promise.resolve(
          inputs({
            keys: [
              {
                holder: 'alice',
                keyid: 'a'.repeat(64),
                key: { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: 'b'.repeat(64) } },
                fingerprint: 'f',
                enrolled_at: '2026-01-01T00:00:00Z',
              },
            ],
          }),
        ),
      () => {
        const published = emptyPublishedRepo();
        published.delegated.set('bins-0', {
          metadata: {} as never,
          file: serializedFromBytes(new TextEncoder().encode('{}')),
        });
        return Promise.resolve(inputs({ published }));
      },
    ];
    for (const change of changes) {
      const digest = await planInputsDigest(await change());
      expect(seen.has(digest)).toBe(false);
      seen.add(digest);
    }
  });
});

describe('planning records', () => {
  it('reads back what was written, for the same ceremony folder only', async () => {
    const record = { inputs: 'digest', drafts: { root: 'aa', targets: 'bb' } };
    await writePlanRecord(records, root, record);
    expect(await readPlanRecord(records, root)).toEqual(record);
    expect(await readPlanRecord(records, join(base, 'elsewhere'))).toBeUndefined();
  });

  it('treats a damaged or missing record as none', async () => {
    expect(await readPlanRecord(records, root)).toBeUndefined();
    await writePlanRecord(records, root, { inputs: 'digest', drafts: {} });
    const [name] = await readdir(records);
    await writeFile(join(records, name as string), '{"dir": 1');
    expect(await readPlanRecord(records, root)).toBeUndefined();
    await writeFile(
      join(records, name as string),
      JSON.stringify({ dir: root, inputs: 'd', drafts: { root: 1 } }),
    );
    expect(await readPlanRecord(records, root)).toBeUndefined();
  });

  it('skips writing where the cache cannot be written', async () => {
    await writeFile(join(base, 'file'), '');
    await expect(
      writePlanRecord(join(base, 'file', 'records'), root, { inputs: 'd', drafts: {} }),
    ).resolves.toBeUndefined();
  });

  it('matches only the same inputs and exactly the same drafts', () => {
    const record = { inputs: 'digest', drafts: { root: 'aa', targets: 'bb' } };
    const drafts = new Map([
      ['root', 'aa'],
      ['targets', 'bb'],
    ]);
    expect(recordMatches(record, 'digest', drafts)).toBe(true);
    expect(recordMatches(record, 'other', drafts)).toBe(false);
    expect(recordMatches(record, 'digest', new Map([['root', 'aa']]))).toBe(false);
    expect(recordMatches(record, 'digest', new Map([...drafts, ['bins-0', 'cc']]))).toBe(false);
    expect(recordMatches(record, 'digest', new Map([...drafts, ['targets', 'bc']]))).toBe(false);
  });

  it('lives outside every ceremony folder: the cache folder of the user or the variable', () => {
    expect(planRecordsDir({ TUF_CEREMONY_CACHE: '/x' })).toBe('/x/plans');
    expect(planRecordsDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/tuf-ceremony/plans');
    expect(planRecordsDir({})).toMatch(/\.cache\/tuf-ceremony\/plans$/);
  });
});
