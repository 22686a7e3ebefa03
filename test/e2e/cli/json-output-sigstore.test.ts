import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../../helpers/capture.js';
import { BUNDLES, CANARY_WHEEL } from '../../helpers/fixtures.js';
import { expectValid } from '../../helpers/json-schemas.js';
import { writeTinyRepo } from '../../helpers/tiny-tuf-repo.js';
import {
  fixtureTrustedRoot,
  HAVE_FIXTURES,
  pemOf,
  sigstoreTarget,
} from '../../unit/sigstore/fixture-files.js';

// Every `sigstore ...` command with --json, on success and on a failure: stdout is one JSON
// document valid against its schema in docs/schemas/ (errors against error.schema.json), and
// nothing on stderr (warnings are in the document).

const REKOR = 'https://rekor.sigstore.dev';
const REKOR_LOG_ID = 'wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=';
const CTFE = 'https://ctfe.sigstore.dev/test';
const FULCIO = 'https://fulcio.sigstore.dev';
const TSA = 'https://timestamp.sigstore.dev/api/v1/timestamp';

let dir = '';
/** A ceremony directory (plan only): edits of its target inputs name the next step. */
let ceremony = '';

/** Runs the CLI in process and checks the one JSON document on stdout against `schema`. */
async function json(
  schema: string,
  args: string[],
  code = 0,
): Promise<{ out: Record<string, unknown> }> {
  const run = await runCaptured(['sigstore', ...args, '--json'], { cwd: dir });
  expect(run.code, run.stdout).toBe(code);
  expect(run.stderr).toBe('');
  return { out: expectValid(schema, run.stdout) as Record<string, unknown> };
}

/** A failure in --json mode: the error document, with its code and a message matching `message`. */
async function error(args: string[], code: string, message: RegExp): Promise<void> {
  const { out } = await json('error', args, code === 'USAGE' ? 2 : 1);
  expect(out.error).toMatchObject({ code, message: expect.stringMatching(message) as string });
}

describe.runIf(HAVE_FIXTURES)('sigstore --json', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-json-sigstore-'));
    for (const name of ['rekor.pub', 'ctfe.pub', 'fulcio_v1.crt.pem']) {
      await writeFile(join(dir, name), sigstoreTarget(name));
    }
    await writeFile(join(dir, 'fulcio-i.pem'), sigstoreTarget('fulcio_intermediate_v1.crt.pem'));
    const published = fixtureTrustedRoot();
    const tsaChain = published.timestampAuthorities[0]?.certChain.certificates ?? [];
    await writeFile(
      join(dir, 'tsa.pem'),
      tsaChain.map((c) => pemOf('CERTIFICATE', c.rawBytes)).join(''),
    );
    await writeFile(join(dir, 'production.json'), sigstoreTarget('trusted_root.json'));
    const ended = fixtureTrustedRoot();
    for (const ca of ended.certificateAuthorities) ca.validFor.end = '2024-03-01T00:00:00Z';
    await writeFile(join(dir, 'ended.json'), JSON.stringify(ended, null, 2));
    const config = 'signing_config_rekor_v2.v0.2.json';
    await writeFile(join(dir, config), sigstoreTarget(config));
    ceremony = join(dir, 'ceremony');
    const init = await runCaptured(['init', '--holders', 'a,b', '--threshold', '1', ceremony], {
      cwd: dir,
    });
    expect(init.code, init.stderr).toBe(0);
  });

  it('tlog add and end report the log id, the window and the media-type warning', async () => {
    const add = ['tlog', 'add', '--file', 'tr.json', '--base-url', REKOR];
    const key = ['--public-key', 'rekor.pub', '--start', '2021-01-12T11:53:27Z'];
    const { out } = await json('sigstore-tlog-add', [...add, ...key, '--media-type', '0.2']);
    expect(out).toMatchObject({
      file: join(dir, 'tr.json'),
      created: true,
      entry: { baseUrl: REKOR, logId: REKOR_LOG_ID, start: '2021-01-12T11:53:27Z' },
      next: null,
    });
    expect(out.warnings).toEqual([expect.stringMatching(/v0\.2\+json is refused by clients/)]);
    await error([...add, ...key], 'USAGE', /transparency log key is already listed/);
    const end = ['tlog', 'end', '--file', 'tr.json', '--base-url', REKOR];
    const closed = await json('sigstore-tlog-end', [...end, '--end', '2027-01-01T00:00:00Z']);
    expect(closed.out).toMatchObject({
      created: false,
      entry: { logId: REKOR_LOG_ID, end: '2027-01-01T00:00:00Z' },
    });
    await error([...end, '--end', '2028-01-01T00:00:00Z'], 'USAGE', /no open transparency log/);
  });

  it('ctlog add and end report the CT log, or the refusal', async () => {
    const add = ['ctlog', 'add', '--file', 'tr.json', '--base-url', CTFE];
    const { out } = await json('sigstore-ctlog-add', [
      ...[...add, '--public-key', 'ctfe.pub', '--start', '2021-03-14T00:00:00Z'],
    ]);
    expect(out).toMatchObject({ kind: 'ctlog', entry: { baseUrl: CTFE } });
    await error(
      [...add, '--public-key', 'fulcio_v1.crt.pem', '--start', '2021-03-14T00:00:00Z'],
      'KEY_UNSUPPORTED',
      /expected exactly one "-----BEGIN PUBLIC KEY-----" PEM block/,
    );
    const end = ['ctlog', 'end', '--file', 'tr.json', '--end', '2022-10-31T23:59:59Z'];
    const closed = await json('sigstore-ctlog-end', [...end, '--base-url', CTFE]);
    expect(closed.out).toMatchObject({ entry: { baseUrl: CTFE, end: '2022-10-31T23:59:59Z' } });
    await error([...end, '--base-url', 'https://ct.example.dev'], 'USAGE', /no open CT log/);
  });

  it('ca add and end report the chain by URI and anchor subject', async () => {
    const add = [
      'ca',
      'add',
      '--file',
      'tr.json',
      '--uri',
      FULCIO,
      '--start',
      '2022-04-13T20:06:15Z',
    ];
    const { out } = await json('sigstore-ca-add', [
      ...[...add, '--chain', 'fulcio-i.pem', '--chain', 'fulcio_v1.crt.pem'],
    ]);
    expect(out).toMatchObject({
      kind: 'ca',
      entry: { uri: FULCIO, certificates: 2, subject: { organization: 'sigstore.dev' } },
    });
    await error(
      [...add, '--chain', 'fulcio_v1.crt.pem', '--chain', 'fulcio-i.pem'],
      'METADATA_INVALID',
      /certificate 1 is not issued and signed by certificate 2/,
    );
    const end = ['ca', 'end', '--file', 'tr.json', '--end', '2030-01-01T00:00:00Z'];
    const closed = await json('sigstore-ca-end', [...end, '--uri', FULCIO]);
    expect(closed.out).toMatchObject({ entry: { uri: FULCIO, end: '2030-01-01T00:00:00Z' } });
    await error([...end, '--uri', 'https://ca.example.dev'], 'USAGE', /no open certificate auth/);
  });

  it('tsa add and end report the timestamp authority, or the refusal', async () => {
    const add = ['tsa', 'add', '--file', 'tr.json', '--uri', TSA, '--chain', 'tsa.pem'];
    const { out } = await json('sigstore-tsa-add', [...add, '--start', '2025-07-04T00:00:00Z']);
    expect(out).toMatchObject({ kind: 'tsa', entry: { uri: TSA, start: '2025-07-04T00:00:00Z' } });
    await error(
      [...add, '--start', '2025-07-04T00:00:00Z', '--media-type', '0.1'],
      'USAGE',
      /--media-type 0\.1 only applies to new files/,
    );
    const end = ['tsa', 'end', '--file', 'tr.json', '--uri', TSA];
    const closed = await json('sigstore-tsa-end', [...end, '--end', '2030-01-01T00:00:00Z']);
    expect(closed.out).toMatchObject({ action: 'end', entry: { end: '2030-01-01T00:00:00Z' } });
    await error([...end, '--end', 'someday'], 'USAGE', /--end: "someday" is not an RFC 3339 time/);
  });

  it("signing-config add, end and selector in a ceremony's target input name the next step", async () => {
    const where = ['--dir', ceremony, '--kind', 'rekor', '--url', 'https://rekor.example.dev'];
    const add = ['signing-config', 'add', ...where, '--operator', 'example.dev'];
    const { out } = await json('sigstore-signing-config-add', [
      ...[...add, '--start', '2026-01-01T00:00:00Z', '--api-version', '2'],
    ]);
    expect(out).toMatchObject({
      file: join(ceremony, 'targets', 'signing_config.v0.2.json'),
      created: true,
      document: 'signing_config',
      kind: 'rekor',
      entry: { url: 'https://rekor.example.dev', majorApiVersion: 2, operator: 'example.dev' },
      next: expect.stringMatching(/^tuf-ceremony stage/) as string,
    });
    await error(
      ['signing-config', 'add', '--dir', ceremony, '--kind', 'fulcio', '--url', 'https://x.dev'],
      'USAGE',
      /--kind must be one of ca, oidc, rekor, tsa, found "fulcio"/,
    );
    const end = ['signing-config', 'end', ...where, '--end', '2027-01-01T00:00:00Z'];
    const closed = await json('sigstore-signing-config-end', end);
    expect(closed.out).toMatchObject({ created: false, entry: { end: '2027-01-01T00:00:00Z' } });
    await error(end, 'USAGE', /no open rekor service with URL https:\/\/rekor\.example\.dev/);
    const selector = ['signing-config', 'selector', '--dir', ceremony, '--selector', 'EXACT'];
    const set = await json('sigstore-signing-config-selector', [
      ...[...selector, '--kind', 'tsa', '--count', '2'],
    ]);
    expect(set.out).toMatchObject({ kind: 'tsa', entry: { selector: 'EXACT', count: 2 } });
    await error([...selector, '--kind', 'ca'], 'USAGE', /selectors exist for --kind rekor and tsa/);
    const written = JSON.parse(
      await readFile(join(ceremony, 'targets', 'signing_config.v0.2.json'), 'utf8'),
    ) as {
      tsaConfig: unknown;
    };
    expect(written.tsaConfig).toEqual({ selector: 'EXACT', count: 2 });
  });

  it('check reports each finding and canary, verified or failed with its step', async () => {
    const canary = ['--canary', join(BUNDLES, `${CANARY_WHEEL}.sigstore.json`)];
    const args = [...canary, '--artifact', join(BUNDLES, CANARY_WHEEL)];
    const { out } = await json('sigstore-check', ['check', '--file', 'production.json', ...args]);
    expect(out).toMatchObject({
      ok: true,
      trustedRoot: join(dir, 'production.json'),
      signingConfig: null,
      canaries: [
        {
          name: CANARY_WHEEL,
          ok: true,
          issuer: 'https://token.actions.githubusercontent.com',
          signedAt: '2024-03-19T22:41:16Z',
        },
      ],
      counts: { canaries: 1, verified: 1, blocking: 0 },
    });
    const failed = await json('sigstore-check', ['check', '--file', 'ended.json', ...args], 1);
    expect(failed.out).toMatchObject({
      ok: false,
      canaries: [{ name: CANARY_WHEEL, ok: false, step: 'certificate chain' }],
      counts: { verified: 0, blocking: 1 },
    });
    await error(
      ['check', ...args, '--dir', ceremony],
      'USAGE',
      /canaries verify against a trusted root/,
    );
  });

  it("preview gives each client's choice per service, and where they disagree", async () => {
    const config = ['preview', '--signing-config', 'signing_config_rekor_v2.v0.2.json'];
    const { out } = await json('sigstore-preview', [...config, '--at', '2026-08-22T00:00:00Z']);
    expect(out).toMatchObject({ at: '2026-08-22T00:00:00Z', agree: true, trustedRoot: null });
    const before = await json('sigstore-preview', [...config, '--at', '2025-12-01T00:00:00Z'], 1);
    const [rekor] = (
      before.out as { services: { kind: string; disagree: boolean; picks: unknown[] }[] }
    ).services;
    expect(rekor).toMatchObject({
      kind: 'Rekor',
      disagree: true,
      picks: [
        { client: 'sigstore-go / cosign', urls: [REKOR] },
        { client: 'sigstore-python' },
        { client: 'sigstore-js', urls: ['https://log2025-1.rekor.sigstore.dev'] },
      ],
    });
    await error(['preview', '--file', 'production.json'], 'USAGE', /no signing config to preview/);
  });

  it('smoke-test reports what the Sigstore client loaded, or its error', async () => {
    const bytes = Buffer.from(
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot.v0.2+json' }),
    );
    const good = await writeTinyRepo(join(dir, 'repo-ok'), { 'trusted_root.json': bytes });
    await writeFile(join(dir, 'ok.root.json'), good.rootJson);
    const { out } = await json('sigstore-smoke-test', [
      ...['smoke-test', '--repository', 'repo-ok', '--root', 'ok.root.json'],
    ]);
    expect(out).toEqual({
      loaded: true,
      repository: join(dir, 'repo-ok'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      tlogs: 0,
      certificateAuthorities: 0,
      ctlogs: 0,
      timestampAuthorities: 0,
    });
    const bad = await writeTinyRepo(join(dir, 'repo-bad'), {
      'trusted_root.json': Buffer.from('{"tlogs": [{"hashAlgorithm": "MD5"}]}'),
    });
    await writeFile(join(dir, 'bad.root.json'), bad.rootJson);
    await error(
      ['smoke-test', '--repository', 'repo-bad', '--root', 'bad.root.json'],
      'METADATA_INVALID',
      /cannot use trusted_root\.json .*Unrecognized enum value MD5/,
    );
  });
});
