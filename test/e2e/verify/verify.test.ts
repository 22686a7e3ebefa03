import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, type CliResult } from '../../helpers/cli.js';
import { HAVE_FIXTURES, LEGACY, PUBLISHED } from '../../helpers/fixtures.js';
import { serveDirectory } from '../../helpers/static-server.js';

const AT = '2026-08-22T00:00:00Z';
const ROOT1 = join(PUBLISHED, '1.root.json');
const TARGETS = ['--target', 'trusted_root.json', '--target', 'registry.npmjs.org/keys.json'];

const EXPECTED_BODY = [
  'root chain: v1 -> v15 (14 updates, each signed by a threshold of the old and the new root)',
  'role                version  expires               signatures',
  'root                     15  2026-11-20T13:58:18Z  5 valid of threshold 3',
  'timestamp               762  2026-08-28T19:25:56Z  1 valid of threshold 1',
  'snapshot                165  2036-05-15T08:09:16Z  1 valid of threshold 1',
  'targets                  14  2036-05-09T09:00:52Z  5 valid of threshold 3',
  'registry.npmjs.org        8  2026-10-13T19:45:24Z  1 valid of threshold 1  (delegated by targets)',
  'target trusted_root.json: 6787 bytes, sha256 6494e21ea73fa7ee… ok (listed by targets)',
  'target registry.npmjs.org/keys.json: 2121 bytes, sha256 160677eb6e1c7083… ok (listed by registry.npmjs.org)',
  'warning: root v11: keyid 7247f0dbad85… is not the sha256 of its key (0c87432c3bf0…); clients that recompute keyids reject it',
  'warning: snapshot v165 lists roles no targets role delegates (ignored): rekor.json, revocation.json, root.json, staging.json',
];

const ROOT_EXPIRED =
  'error: root v15 (15.root.json): expired on 2026-11-20T13:58:18Z, now 2026-11-23T00:00:00Z (spec 5.3.10: the final root must not expire)';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'verify-e2e-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function verify(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runTool(['verify', ...args], { env: { TUF_CEREMONY_NOW: undefined, ...env } });
}

/** Exit 1 with exactly one `error:` line on stderr, nothing on stdout, no stack trace. */
function expectOneLineFailure(result: CliResult, ...parts: string[]): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  for (const p of parts) expect(lines[0]).toContain(p);
}

async function tamperedCopy(name: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(work, name);
  await cp(PUBLISHED, dir, { recursive: true });
  await change(dir);
  return dir;
}

describe('tuf-ceremony verify: usage', () => {
  it('exits 2 on usage errors', async () => {
    const cases = [
      [PUBLISHED],
      ['--root', ROOT1],
      ['--root', ROOT1, PUBLISHED, PUBLISHED],
      ['--root', ROOT1, '--at', 'yesterday', PUBLISHED],
      ['--root', ROOT1, join(work, 'no-such-dir')],
      ['--root', join(work, 'no-such-root.json'), PUBLISHED],
      ['--root', ROOT1, '--bogus', PUBLISHED],
      ['--root', ROOT1, 'ftp://127.0.0.1/repo'],
    ];
    const results = await Promise.all(cases.map((args) => verify(args)));
    for (const [i, result] of results.entries()) {
      const args = cases[i] ?? [];
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: .*usage: tuf-ceremony verify/);
    }
  });
});

describe.runIf(HAVE_FIXTURES)('tuf-ceremony verify on Sigstore production metadata', () => {
  it('trusts the published folder from 1.root.json and checks targets', async () => {
    const result = await verify(['--root', ROOT1, '--at', AT, ...TARGETS, PUBLISHED]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${PUBLISHED}: trusted at ${AT}`);
    expect(lines.slice(1)).toEqual(EXPECTED_BODY);
  });

  it('prints the same as JSON, from 5.root.json', async () => {
    const result = await verify([
      '--root',
      join(PUBLISHED, '5.root.json'),
      '--at',
      AT,
      '--json',
      ...TARGETS,
      PUBLISHED,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      trusted: boolean;
      root: { version: number; chain: unknown[] };
      roles: { name: string; version: number; result: { signed: string[]; threshold: number } }[];
      targets: { path: string }[];
      warnings: string[];
    };
    expect(report.trusted).toBe(true);
    expect(report.root.version).toBe(15);
    expect(report.root.chain).toHaveLength(10);
    expect(report.roles.map((r) => `${r.name}@${r.version}`)).toEqual([
      'root@15',
      'timestamp@762',
      'snapshot@165',
      'targets@14',
      'registry.npmjs.org@8',
    ]);
    expect(report.targets.map((t) => t.path)).toEqual([
      'trusted_root.json',
      'registry.npmjs.org/keys.json',
    ]);
    expect(report.warnings).toHaveLength(2);
  });

  it('trusts the legacy folder up to root v9', async () => {
    const result = await verify([
      '--root',
      join(LEGACY, '1.root.json'),
      '--at',
      '2024-09-01T00:00:00Z',
      '--target',
      'trusted_root.json',
      LEGACY,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('root chain: v1 -> v9 (8 updates');
    expect(result.stdout).toContain('registry.npmjs.org        3  2024-09-12T06:13:15Z');
  });

  it('fails once root v15 has expired, at a given time or by the clock', async () => {
    expectOneLineFailure(
      await verify(['--root', ROOT1, '--at', '2026-11-23T00:00:00Z', PUBLISHED]),
    );
    const byClock = await verify(['--root', ROOT1, PUBLISHED], {
      TUF_CEREMONY_NOW: '2026-11-23T00:00:00Z',
    });
    expectOneLineFailure(byClock);
    expect(byClock.stderr.trimEnd()).toBe(ROOT_EXPIRED);
    // The real clock (2026-11-23 or later on this machine) is past the root's expiry too.
    expectOneLineFailure(
      await verify(['--root', ROOT1, PUBLISHED]),
      'root v15 (15.root.json): expired on 2026-11-20T13:58:18Z',
    );
  });

  it('fails with one line on tampered copies', async () => {
    const changedTarget = await tamperedCopy('changed-target', async (dir) => {
      const name = (await readdir(join(dir, 'targets'))).find((n) =>
        n.endsWith('.trusted_root.json'),
      );
      if (name === undefined) throw new Error('no trusted_root.json target');
      const file = join(dir, 'targets', name);
      const bytes = await readFile(file);
      bytes[20] = (bytes[20] ?? 0) ^ 0x01;
      await writeFile(file, bytes);
    });
    expectOneLineFailure(
      await verify(['--root', ROOT1, '--at', AT, '--target', 'trusted_root.json', changedTarget]),
      'target listed by targets',
      'sha256',
      'spec 5.7.3',
    );
    const missing = await tamperedCopy('missing-role', (dir) =>
      unlink(join(dir, '8.registry.npmjs.org.json')),
    );
    expectOneLineFailure(
      await verify(['--root', ROOT1, '--at', AT, missing]),
      'registry.npmjs.org (8.registry.npmjs.org.json): file not found',
    );
    const truncated = await tamperedCopy('truncated-root', (dir) =>
      truncate(join(dir, '12.root.json'), 300),
    );
    expectOneLineFailure(
      await verify(['--root', ROOT1, '--at', AT, truncated]),
      'root v12 (12.root.json): not valid JSON',
    );
  });

  it('fails on a rollback against a previously trusted timestamp', async () => {
    const cache = join(work, 'cache');
    await mkdir(cache, { recursive: true });
    const ts = JSON.parse(await readFile(join(PUBLISHED, 'timestamp.json'), 'utf8')) as {
      signed: { version: number };
    };
    ts.signed.version = 800;
    await writeFile(join(cache, 'timestamp.json'), JSON.stringify(ts));
    expectOneLineFailure(
      await verify([
        '--root',
        join(PUBLISHED, '15.root.json'),
        '--at',
        AT,
        '--previous',
        cache,
        PUBLISHED,
      ]),
      'timestamp (timestamp.json): version 762 is older than the trusted version 800',
      '5.4.3.1',
    );
  });

  it('verifies over HTTP on 127.0.0.1', async () => {
    const server = await serveDirectory(PUBLISHED);
    try {
      const result = await verify(['--root', ROOT1, '--at', AT, ...TARGETS, server.url]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trimEnd().split('\n').slice(1)).toEqual(EXPECTED_BODY);
      expect(server.requests).toContain('/16.root.json');
      expect(server.requests).toContain('/165.snapshot.json');
      expect(
        server.requests.some((r) =>
          /^\/targets\/registry\.npmjs\.org\/160677eb[0-9a-f]{56}\.keys\.json$/.test(r),
        ),
      ).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('aborts an endless timestamp over HTTP', async () => {
    const endless: Server = createServer((req, res) => {
      if (req.url !== '/timestamp.json') {
        readFile(join(PUBLISHED, (req.url ?? '/').slice(1))).then(
          (bytes) => res.writeHead(200).end(bytes),
          () => res.writeHead(404).end(),
        );
        return;
      }
      res.writeHead(200);
      const chunk = Buffer.alloc(4096, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const address = endless.address();
    try {
      if (address === null || typeof address === 'string') throw new Error('no port');
      expectOneLineFailure(
        await verify(['--root', ROOT1, '--at', AT, `http://127.0.0.1:${address.port}/`]),
        'timestamp (timestamp.json): larger than the limit of 16384 bytes',
      );
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
