import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, MetadataKind } from '@tufjs/models';
import { Updater } from 'tuf-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRepository, type MetadataSource } from '../../../src/metadata/client/index.js';
import { serveDirectory, type StaticServer } from '../../helpers/static-server.js';
import { TARGET_FILES, buildRepository, type BuiltRepository } from './build-repo.js';

// Interop proof: a repository written by the core is read by the real tuf-js client over HTTP on
// 127.0.0.1, bootstrapped from 1.root.json so that it walks the root rotation.

let work: string;
let repoDir: string;
let built: BuiltRepository;
let server: StaticServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tuf-interop-'));
  repoDir = join(work, 'repository');
  built = await buildRepository(repoDir, Date.now());
  server = await serveDirectory(repoDir);
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

async function freshClient(name: string): Promise<{ updater: Updater; dir: string }> {
  const dir = join(work, name);
  const metadataDir = join(dir, 'metadata');
  const targetDir = join(dir, 'targets');
  await mkdir(metadataDir, { recursive: true });
  await mkdir(targetDir, { recursive: true });
  await writeFile(join(metadataDir, 'root.json'), await readFile(join(repoDir, '1.root.json')));
  const updater = new Updater({
    metadataDir,
    metadataBaseUrl: server.url,
    targetDir,
    targetBaseUrl: `${server.url}targets/`,
  });
  return { updater, dir };
}

async function download(updater: Updater, dir: string, path: string): Promise<Buffer> {
  const info = await updater.getTargetInfo(path);
  if (!info) throw new Error(`tuf-js did not find ${path}`);
  const out = join(dir, path.replaceAll('/', '_'));
  await updater.downloadTarget(info, out);
  return readFile(out);
}

describe('tuf-js reads a repository written by the core', () => {
  it('writes versioned metadata, every root and hash-prefixed targets', () => {
    expect(built.files).toContain('1.root.json');
    expect(built.files).toContain('2.root.json');
    expect(built.files).toContain('1.bin-0.json');
    expect(built.files).toContain('1.bin-7.json');
    expect(built.files.at(-1)).toBe('timestamp.json');
    expect(built.files.filter((f) => f.startsWith('targets/apps/'))).toHaveLength(2);
  });

  it('walks the rotation and downloads targets from the path delegation and a bin', async () => {
    const { updater, dir } = await freshClient('client-a');
    await updater.refresh();
    for (const path of [
      'apps/hello.txt',
      'packages/alpha-1.0.tgz',
      'packages/beta-2.1.tgz',
      'readme.txt',
    ]) {
      expect(await download(updater, dir, path)).toEqual(
        Buffer.from(TARGET_FILES[path] as Uint8Array),
      );
    }
    expect(server.requests).toContain('/2.root.json');
    expect(server.requests).toContain('/1.apps.json');
    expect(server.requests).toContain(
      `/1.${built.binOf.get('packages/alpha-1.0.tgz') ?? 'missing'}.json`,
    );
    // The client now trusts root v2, byte for byte as written.
    const trusted = await readFile(join(dir, 'metadata', 'root.json'));
    expect(trusted).toEqual(
      Buffer.from((built.roots[1] as { file: { bytes: Uint8Array } }).file.bytes),
    );
  });

  it('@tufjs/models accepts root v2 as signed by root v1 and by itself', async () => {
    const parse = async (name: string) =>
      Metadata.fromJSON(
        MetadataKind.Root,
        JSON.parse(await readFile(join(repoDir, name), 'utf8')) as Parameters<
          typeof Metadata.fromJSON
        >[1],
      );
    const v1 = await parse('1.root.json');
    const v2 = await parse('2.root.json');
    expect(() => {
      v1.verifyDelegate('root', v2);
    }).not.toThrow();
    expect(() => {
      v2.verifyDelegate('root', v2);
    }).not.toThrow();
    expect(v2.signed.roles.root?.keyIDs).toHaveLength(2);
  });

  it('tuf-js refuses a bin whose bytes differ from what snapshot lists', async () => {
    const bin = built.binOf.get('packages/beta-2.1.tgz') ?? 'missing';
    const file = join(repoDir, `1.${bin}.json`);
    const original = await readFile(file);
    // Same length, one byte changed (a trailing space for the final newline): only the hash differs.
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] = 0x20;
    await writeFile(file, tampered);
    try {
      const { updater, dir } = await freshClient('client-b');
      await updater.refresh();
      await expect(download(updater, dir, 'packages/beta-2.1.tgz')).rejects.toThrow(
        /Expected hash/,
      );
    } finally {
      await writeFile(file, original);
    }
  });

  it('verifyRepository accepts the same repository', async () => {
    const source: MetadataSource = {
      fetchMetadata: (name) => readOptional(join(repoDir, name)),
      fetchTarget: (path) => readOptional(join(repoDir, 'targets', path)),
    };
    const report = await verifyRepository({
      trustedRoot: await readFile(join(repoDir, '1.root.json')),
      source,
      now: Date.now(),
      targets: ['apps/hello.txt', 'packages/alpha-1.0.tgz'],
    });
    expect(report.root.version).toBe(2);
    expect(report.root.chain).toHaveLength(1);
    expect(report.targets.map((t) => t.role)).toEqual([
      'apps',
      built.binOf.get('packages/alpha-1.0.tgz'),
    ]);
    expect(report.roles.map((r) => r.name)).toContain('packages');
  });
});

async function readOptional(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}
