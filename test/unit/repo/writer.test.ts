import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  newRoot,
  newTargets,
  serializeRole,
  setVersion,
  type SerializedRole,
} from '../../../src/metadata/build.js';
import { sha256Hex } from '../../../src/metadata/bytes.js';
import { serializedFromBytes } from '../../../src/metadata/serialize.js';
import { plannedWrites, writeRepository } from '../../../src/repo/repository-writer.js';

const EXPIRES = Date.UTC(2030, 0, 1);
const role = (name: string, version: number, text = `${name} v${version}\n`): SerializedRole => ({
  name,
  version,
  file: serializedFromBytes(Buffer.from(text)),
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listAll(base: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(base, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listAll(base, rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe('writeRepository', () => {
  it('writes consistent-snapshot names in a safe order, with exactly the given bytes', async () => {
    const payload = Buffer.from('payload');
    const contents = {
      consistentSnapshot: true,
      roots: [role('root', 1), role('root', 2)],
      targets: role('targets', 3),
      delegated: [role('bins-0', 5)],
      snapshot: role('snapshot', 4),
      timestamp: role('timestamp', 9),
      targetFiles: [{ path: 'dir/sub/file.txt', bytes: payload }],
    };
    const written = await writeRepository(dir, contents);
    const targetName = `targets/dir/sub/${sha256Hex(payload)}.file.txt`;
    expect(written).toEqual([
      targetName,
      '5.bins-0.json',
      '3.targets.json',
      '4.snapshot.json',
      '1.root.json',
      '2.root.json',
      'root.json',
      'timestamp.json',
    ]);
    expect(await listAll(dir)).toEqual([...written].sort());
    expect(await readFile(join(dir, 'root.json'), 'utf8')).toBe('root v2\n');
    expect(await readFile(join(dir, '4.snapshot.json'), 'utf8')).toBe('snapshot v4\n');
    expect(await readFile(join(dir, targetName))).toEqual(payload);
  });

  it('writes plain names without consistent snapshots, but keeps every N.root.json', async () => {
    const written = await writeRepository(dir, {
      consistentSnapshot: false,
      roots: [role('root', 1)],
      targets: role('targets', 3),
      snapshot: role('snapshot', 4),
      timestamp: role('timestamp', 9),
      targetFiles: [{ path: 'a.txt', bytes: Buffer.from('a') }],
    });
    expect(written).toEqual([
      'targets/a.txt',
      'targets.json',
      'snapshot.json',
      '1.root.json',
      'root.json',
      'timestamp.json',
    ]);
  });

  it('writes the serialized bytes of real metadata untouched', async () => {
    const root = serializeRole('root', {
      signed: newRoot({
        expires: EXPIRES,
        thresholds: { root: 1, targets: 1, snapshot: 1, timestamp: 1 },
      }),
      signatures: [],
    });
    const targets = serializeRole('targets', {
      signed: setVersion(newTargets({ expires: EXPIRES }), 2),
      signatures: [],
    });
    await writeRepository(dir, { consistentSnapshot: true, roots: [root], targets });
    expect(new Uint8Array(await readFile(join(dir, '2.targets.json')))).toEqual(targets.file.bytes);
    expect(new Uint8Array(await readFile(join(dir, '1.root.json')))).toEqual(root.file.bytes);
  });

  it('refuses unsafe names and bad input before writing anything', async () => {
    const cases = [
      { consistentSnapshot: true, delegated: [role('../escape', 1)] },
      { consistentSnapshot: true, targets: role('snapshot', 1) },
      { consistentSnapshot: true, roots: [role('root', 2), role('root', 1)] },
      { consistentSnapshot: false, targetFiles: [{ path: '../x', bytes: Buffer.from('') }] },
      { consistentSnapshot: true, delegated: [role('a', 1), role('a', 1)] },
      { consistentSnapshot: true, targets: role('targets', 0) },
    ];
    for (const contents of cases) {
      expect(() => plannedWrites(contents)).toThrow();
      await expect(writeRepository(dir, contents)).rejects.toThrow();
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
