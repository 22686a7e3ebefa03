import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../../helpers/capture.js';
import { expectValid } from '../../helpers/json-schemas.js';

// Every data command with --json, on success and on a failure: stdout is one JSON document
// valid against its schema in docs/schemas/ (errors against error.schema.json), nothing on stderr.

let dir: string;
let outside: string;
/** The demo's key references folder (outside the ceremony repository). */
let demoKeyRefs: string;

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-json-'));
  dir = join(base, 'demo');
  outside = base;
  const demo = await runCaptured(['demo', '--deterministic', '--out', dir], { cwd: base });
  expect(demo.code, demo.stderr).toBe(0);
  demoKeyRefs = /kept on this machine in (\S+)\/key-refs\//.exec(demo.stdout)?.[1] ?? '';
  demoKeyRefs = join(demoKeyRefs, 'key-refs');
  await writeFile(join(base, 'app.txt'), 'app\n');
});

/** One command line run twice: the success case and a failing one. */
interface JsonCase {
  schema: string;
  ok: () => string[];
  okCode?: number;
  fail: () => string[];
  failCwd?: () => string;
  env?: () => Record<string, string>;
}

const CASES: JsonCase[] = [
  {
    schema: 'refresh',
    ok: () => ['refresh', '--json', '--dir', dir],
    fail: () => ['refresh', '--json', '--dir', dir, 'tragets'],
  },
  {
    schema: 'init',
    ok: () => ['init', '--json', '--github', join(outside, 'fresh')],
    fail: () => ['init', '--json', '--threshold', 'two', join(outside, 'other')],
  },
  {
    schema: 'expiry',
    ok: () => ['expiry', '--json', '--dir', dir],
    fail: () => ['expiry', '--json', '--within', 'soon', '--dir', dir],
  },
  {
    schema: 'verify',
    ok: () => [
      'verify',
      '--json',
      '--root',
      join(dir, 'repository', '1.root.json'),
      join(dir, 'repository'),
    ],
    fail: () => ['verify', '--json', '--root', join(outside, 'none.json'), join(dir, 'repository')],
  },
  {
    schema: 'log-verify',
    ok: () => ['log', 'verify', '--json', dir],
    fail: () => ['log', 'verify', '--json', join(outside, 'missing')],
  },
  {
    schema: 'targets-add',
    ok: () => ['targets', 'add', '--json', '--dir', dir, join(outside, 'app.txt')],
    fail: () => ['targets', 'add', '--json', '--dir', dir, join(outside, 'nope.txt')],
  },
  {
    schema: 'stage',
    ok: () => ['stage', '--json', '--dir', dir, '--role', 'targets'],
    fail: () => ['stage', '--json', '--dir', join(outside, 'missing')],
  },
  {
    schema: 'status',
    ok: () => ['status', '--json', '--dir', dir],
    okCode: 1,
    fail: () => ['status', '--json'],
    failCwd: () => outside,
  },
  {
    schema: 'review',
    ok: () => ['review', '--json', '--dir', dir, '--holder', 'alice'],
    fail: () => ['review', '--json', '--dir', dir, '--holder', 'mallory'],
  },
  {
    schema: 'sign',
    ok: () => [
      ...['sign', '--json', '--dir', dir, '--holder', 'alice', '--yes'],
      ...['--passphrase-env', 'ALICE_PASS'],
    ],
    // Without --yes and without a terminal, sign refuses (as JSON).
    fail: () => ['sign', '--json', '--dir', dir, '--holder', 'bob'],
    env: () => ({
      TUF_CEREMONY_KEY_REFS: demoKeyRefs,
      ALICE_PASS: 'example passphrase of alice',
    }),
  },
  {
    schema: 'targets-remove',
    ok: () => ['targets', 'remove', '--json', '--dir', dir, 'app.txt'],
    fail: () => ['targets', 'remove', '--json', '--dir', dir, 'never-added.txt'],
  },
  {
    schema: 'key-retire',
    ok: () => [
      'key',
      'retire',
      '--json',
      '--dir',
      dir,
      '--holder',
      'carol',
      '--keyid',
      carolKeyid(),
    ],
    fail: () => ['key', 'retire', '--json', '--dir', dir, '--holder', 'carol', '--keyid', 'ffff'],
  },
  {
    schema: 'key-add',
    ok: () => [
      ...['key', 'add', '--json', '--dir', dir, '--holder', 'bob', '--replace'],
      ...['--generate', 'ed25519', '--key-file', join(outside, 'bob-new.key')],
      ...['--passphrase-env', 'NEW_PASS'],
    ],
    fail: () => [
      ...['key', 'add', '--json', '--dir', dir, '--holder', 'mallory'],
      ...['--generate', 'ed25519', '--key-file', join(outside, 'mallory.key')],
      ...['--passphrase-env', 'NEW_PASS'],
    ],
    env: () => ({ TUF_CEREMONY_KEY_REFS: join(outside, 'key-refs'), NEW_PASS: 'new passphrase' }),
  },
];

/** The keyid of carol's enrolled key (keys/carol/<keyid>.json). */
function carolKeyid(): string {
  const [file] = readdirSync(join(dir, 'keys', 'carol'));
  return (file ?? '').replace(/\.json$/, '');
}

describe('--json output', () => {
  it('validates every data command against its schema, on success and on failure', async () => {
    for (const c of CASES) {
      if (c.schema === 'status') {
        const staged = await runCaptured(['stage', '--dir', dir]);
        expect(staged.code, staged.stderr).toBe(0);
      }
      const env = c.env?.() ?? {};
      const ok = await runCaptured(c.ok(), { cwd: outside, env });
      expect(ok.code, `${c.schema}: ${ok.stderr}`).toBe(c.okCode ?? 0);
      expect(ok.stderr).toBe('');
      expectValid(c.schema, ok.stdout);
      if (c.schema === 'sign') {
        const signed = JSON.parse(ok.stdout) as { signatures: unknown[] };
        expect(signed.signatures.length, ok.stdout).toBeGreaterThan(0);
      }
      const fail = await runCaptured(c.fail(), { cwd: c.failCwd?.() ?? outside, env });
      expect(fail.code, `${c.schema} failure`).not.toBe(0);
      expect(fail.stderr, `${c.schema} failure`).toBe('');
      expectValid('error', fail.stdout);
    }
  });

  it('validates finalize on success and on failure', async () => {
    const base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-json-finalize-'));
    const demoDir = join(base, 'demo');
    const demo = await runCaptured(['demo', '--deterministic', '--out', demoDir], { cwd: base });
    expect(demo.code, demo.stderr).toBe(0);
    const refs = /kept on this machine in (\S+)\/key-refs\//.exec(demo.stdout)?.[1] ?? '';
    const env = {
      TUF_CEREMONY_KEY_REFS: join(refs, 'key-refs'),
      ALICE_PASS: 'example passphrase of alice',
      BOB_PASS: 'example passphrase of bob',
      ONLINE_PASS: 'example passphrase of online',
    };
    await writeFile(join(base, 'app.txt'), 'app\n');
    const steps = [
      ['targets', 'add', '--dir', demoDir, join(base, 'app.txt')],
      ['stage', '--dir', demoDir],
      ['sign', '--dir', demoDir, '--holder', 'alice', '--passphrase-env', 'ALICE_PASS', '--yes'],
      ['sign', '--dir', demoDir, '--holder', 'bob', '--passphrase-env', 'BOB_PASS', '--yes'],
    ];
    for (const step of steps) {
      const r = await runCaptured(step, { cwd: base, env });
      expect(r.code, `${step.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const ok = await runCaptured(
      ['finalize', '--json', '--dir', demoDir, '--passphrase-env', 'ONLINE_PASS'],
      { cwd: base, env },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
    expectValid('finalize', ok.stdout);
    expect(JSON.parse(ok.stdout)).toMatchObject({ outcome: 'published' });
    const again = await runCaptured(['finalize', '--json', '--dir', demoDir], { cwd: base, env });
    expect(again.code, again.stderr).toBe(0);
    expectValid('finalize', again.stdout);
    const fail = await runCaptured(['finalize', '--json', '--dir', join(base, 'missing')], {
      cwd: base,
    });
    expect(fail.code).not.toBe(0);
    expect(fail.stderr).toBe('');
    expectValid('error', fail.stdout);
  });

  it('reports a usage error as JSON too, with exit 2', async () => {
    const result = await runCaptured(['verify', '--json', '--rooot', 'x', 'dir']);
    expect(result.code).toBe(2);
    expectValid('error', result.stdout);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });
});
