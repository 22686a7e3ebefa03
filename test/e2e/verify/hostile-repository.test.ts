import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addRoleKey,
  newRoot,
  newSnapshot,
  newTimestamp,
  serializeRole,
  timestampMeta,
} from '../../../src/metadata/build.js';
import type { MetaFile } from '../../../src/metadata/model.js';
import { signMetadata } from '../../../src/metadata/sign.js';
import { ed25519FromSeed, SoftwareSigner } from '../../../src/signing/software-signer.js';
import { CLI, runTool } from '../../helpers/cli.js';
import { writeTinyRepo } from '../../helpers/tiny-tuf-repo.js';

// `verify` against repositories a mirror controls: lengths a snapshot lists but the cap refuses,
// endless downloads, a symbolic link out of the repository, a nested `_type`. Each ends in a
// one-line error and exit 1, with the child's peak memory measured by /usr/bin/time -v.

const signer = new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(9)));
const expires = Date.now() + 30 * 86_400_000;
const MIB = 2 ** 20;

let work: string;
let server: Server;
let base: string;
let endlessBytes = 0;
/** snapshot.json listing targets.json with each length under test, by URL prefix. */
const repos = new Map<string, { root: Uint8Array; timestamp: Uint8Array; snapshot: Uint8Array }>();

async function hostileRepo(targetsMeta: MetaFile): Promise<{
  root: Uint8Array;
  timestamp: Uint8Array;
  snapshot: Uint8Array;
}> {
  let root = newRoot({ expires, thresholds: { root: 1, targets: 1, snapshot: 1, timestamp: 1 } });
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'])
    root = addRoleKey(root, role, signer.key);
  const rootRole = serializeRole('root', await signMetadata(root, [signer]));
  const snapshot = newSnapshot({ expires, meta: { 'targets.json': targetsMeta } });
  const snapshotRole = serializeRole('snapshot', await signMetadata(snapshot, [signer]));
  const timestamp = newTimestamp({ expires, meta: timestampMeta(snapshotRole) });
  const timestampRole = serializeRole('timestamp', await signMetadata(timestamp, [signer]));
  return {
    root: rootRole.file.bytes,
    timestamp: timestampRole.file.bytes,
    snapshot: snapshotRole.file.bytes,
  };
}

function endless(res: import('node:http').ServerResponse): void {
  res.writeHead(200);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk)) endlessBytes += chunk.length;
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hostile-repo-'));
  repos.set('gib', await hostileRepo({ version: 1, length: 2 ** 30 }));
  repos.set('max', await hostileRepo({ version: 1, length: Number.MAX_SAFE_INTEGER }));
  repos.set('unlisted', await hostileRepo({ version: 1 }));
  server = createServer((req, res) => {
    const [, prefix, file] = /^\/([a-z]+)\/(.*)$/.exec(req.url ?? '') ?? [];
    const repo = repos.get(prefix ?? '');
    if (repo === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (file === 'timestamp.json') res.writeHead(200).end(repo.timestamp);
    else if (file === '1.snapshot.json') res.writeHead(200).end(repo.snapshot);
    else if (file === '1.targets.json') endless(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});

/** Runs the CLI under /usr/bin/time -v: exit code, stderr and peak RSS in MiB. */
function runMeasured(
  args: readonly string[],
): Promise<{ code: number; stderr: string; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, CLI, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      if (!kb) {
        reject(new Error(`no /usr/bin/time report in: ${stderr}`));
        return;
      }
      const tool = stderr
        .split('\n')
        .filter((l) => l.startsWith('error:') || l.includes('internal'));
      resolve({ code: code ?? -1, stderr: tool.join('\n'), rssMb: Number(kb[1]) / 1024 });
    });
  });
}

async function rootFile(name: string): Promise<string> {
  const file = join(work, `${name}.root.json`);
  await writeFile(file, (repos.get(name) as { root: Uint8Array }).root);
  return file;
}

describe('verify against a hostile mirror', () => {
  it('refuses a snapshot listing targets.json as 1 GiB or 2^53-1 bytes, peak RSS under 300 MB', async () => {
    for (const [name, length] of [
      ['gib', 2 ** 30],
      ['max', Number.MAX_SAFE_INTEGER],
    ] as const) {
      const result = await runMeasured([
        'verify',
        '--root',
        await rootFile(name),
        `${base}/${name}/`,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: targets (1.targets.json): listed as ${length} bytes, more than the limit of ${64 * MIB} bytes for any metadata file (spec 5: download at most the listed or default length)`,
      );
      expect(result.rssMb).toBeLessThan(300);
    }
  });

  it('stops an endless targets.json at the limit (streamed, never buffered whole)', async () => {
    const sentBefore = endlessBytes;
    const result = await runMeasured([
      'verify',
      '--root',
      await rootFile('unlisted'),
      '--max-metadata-size',
      '8MiB',
      `${base}/unlisted/`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: targets (1.targets.json): larger than the limit of 8388608 bytes',
    );
    expect(result.rssMb).toBeLessThan(300);
    expect(endlessBytes - sentBefore).toBeLessThan(64 * MIB);
  });

  it('streams up to the default 32 MiB for a role listed without length, peak RSS under 300 MB', async () => {
    const result = await runMeasured([
      'verify',
      '--root',
      await rootFile('unlisted'),
      `${base}/unlisted/`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`larger than the limit of ${32 * MIB} bytes`);
    expect(result.rssMb).toBeLessThan(300);
  });
});

describe('verify against a hostile repository directory', () => {
  it('refuses a symbolic link to a file outside the repository without quoting it', async () => {
    const dir = join(work, 'linked');
    const { rootJson } = await writeTinyRepo(dir, {});
    await writeFile(join(work, 'token'), 'ghp_S3CR3T0123456789\n');
    await rm(join(dir, 'timestamp.json'));
    await symlink(join(work, 'token'), join(dir, 'timestamp.json'));
    await writeFile(join(work, 'linked.root.json'), rootJson);
    const result = await runTool(['verify', '--root', join(work, 'linked.root.json'), dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: timestamp (timestamp.json): cannot be read: ${join(dir, 'timestamp.json')} is a symbolic link; repository files are read without following links\n`,
    );
    expect(result.stderr).not.toContain('ghp_');
  });

  it('answers a timestamp whose _type nests 8,000 arrays with a one-line error, exit 1', async () => {
    const dir = join(work, 'nested');
    const { rootJson } = await writeTinyRepo(dir, {});
    const nested = `${'['.repeat(8000)}${']'.repeat(8000)}`;
    await writeFile(
      join(dir, 'timestamp.json'),
      `{"signatures":[],"signed":{"_type":${nested},"spec_version":"1.0.31","version":1,"expires":"2031-01-01T00:00:00Z","meta":{}}}`,
    );
    await writeFile(join(work, 'nested.root.json'), rootJson);
    const result = await runTool(['verify', '--root', join(work, 'nested.root.json'), dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: timestamp (timestamp.json): not valid JSON for this tool: nested deeper than 100 levels\n',
    );
  });
});
