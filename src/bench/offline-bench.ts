import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, scrypt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enrollKey, type EnrolledKey } from '../ceremony/enrolled-key.js';
import { buildSigningRequest } from '../ceremony/offline-format.js';
import { keyFromPublicKeyObject } from '../metadata/keys.js';
import type { RootSigned, TargetsSigned } from '../metadata/model.js';
import { prettyJson } from '../metadata/serialize.js';
import { runCli } from '../cli/run.js';
import { toDraft } from '../repo/staging-store.js';
import { writeEncryptedKeyFile } from '../signing/key-file.js';
import { SoftwareSigner, generatePrivateKey } from '../signing/software-signer.js';

// `npm run bench` (second part): size of a signing request for four roles of a ceremony without
// target files (seven holders with ECDSA keys: root v2 with its published v1, targets with two
// delegations, both delegated roles), and the wall time of `sign-offline` to response written,
// with a software key at production scrypt cost: from process start, and from the command's
// start (in process, after Node's own start-up), beside the key file's KDF alone.

const RUNS = Number(process.env.BENCH_OFFLINE_RUNS ?? 5);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
const PASSPHRASE = 'bench passphrase';
const ENROLLED_AT = '2026-11-30T00:00:00Z';
/** scrypt cost of the key file: the production default (17), or BENCH_SCRYPT_LOG2N. */
const LOG2N = Number(process.env.BENCH_SCRYPT_LOG2N ?? 17);

function sampleRequest(alice: EnrolledKey, others: readonly EnrolledKey[]): string {
  const all = [alice, ...others];
  const keys = Object.fromEntries(all.map((k) => [k.keyid, k.key]));
  const keyids = all.map((k) => k.keyid);
  const common = { spec_version: '1.0.31', expires: '2027-11-30T00:00:00Z' };
  const role = { keyids, threshold: 4 };
  const root = (version: number): RootSigned => ({
    _type: 'root',
    ...common,
    version,
    consistent_snapshot: true,
    keys,
    roles: { root: role, targets: role, snapshot: role, timestamp: role },
  });
  const targets = (version: number, delegate: boolean): TargetsSigned => ({
    _type: 'targets',
    ...common,
    version,
    targets: {},
    ...(delegate
      ? {
          delegations: {
            keys,
            roles: ['pkgs', 'docs'].map((name) => ({
              name,
              keyids,
              threshold: 4,
              terminating: true,
              paths: [`${name}/*`],
            })),
          },
        }
      : {}),
  });
  const drafts = new Map([
    ['root', toDraft('root', { signed: root(2), signatures: [] })],
    ['targets', toDraft('targets', { signed: targets(2, true), signatures: [] })],
    ['pkgs', toDraft('pkgs', { signed: targets(1, false), signatures: [] })],
    ['docs', toDraft('docs', { signed: targets(1, false), signatures: [] })],
  ]);
  const roles = [...drafts.keys()];
  const published: Record<string, RootSigned | TargetsSigned> = {
    root: root(1),
    targets: targets(1, true),
  };
  return prettyJson(
    buildSigningRequest({
      trustRoot: 'bench-root',
      ceremony: { id: 'bench', created: common.expires, roles, base: {}, drafts: {} },
      holder: 'alice',
      needs: roles.map((r) => ({ role: r, enrolled: alice, labels: [`${r} authority`] })),
      drafts,
      publishedRootVersion: 1,
      publishedSigned: (r) => published[r],
    }),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tuf-ceremony-offline-bench-'));
  try {
    const privateKey = generatePrivateKey('ecdsa-p256');
    const alice = enrollKey('alice', new SoftwareSigner(privateKey).key, 'file:x', ENROLLED_AT);
    const others = ['bob', 'carol', 'dave', 'erin', 'frank', 'grace'].map((h) =>
      enrollKey(
        h,
        keyFromPublicKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
        'file:x',
        ENROLLED_AT,
      ),
    );
    const keyFile = join(dir, 'alice.key');
    await writeEncryptedKeyFile(keyFile, privateKey, PASSPHRASE, { scryptLog2N: LOG2N });
    const request = sampleRequest(alice, others);
    writeFileSync(join(dir, 'request.json'), request);
    const signOfflineArgs = (out: string): string[] => [
      'sign-offline',
      'request.json',
      '--key-ref',
      `file:${keyFile}`,
      '--passphrase-env',
      'PASS',
      '--yes',
      '--out',
      out,
    ];
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      const signed = spawnSync(process.execPath, [CLI, ...signOfflineArgs(`response-${i}.json`)], {
        cwd: dir,
        env: { PATH: process.env.PATH, PASS: PASSPHRASE },
        encoding: 'utf8',
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (signed.status !== 0) throw new Error(`sign-offline failed: ${signed.stderr}`);
      readFileSync(join(dir, `response-${i}.json`));
      times.push(ms);
    }
    // In-process: the same command through runCli, wall and CPU time (no Node start-up).
    const inProcess: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      const used = process.cpuUsage();
      const code = await runCli(signOfflineArgs(`in-process-${i}.json`), {
        out: () => undefined,
        err: (line) => process.stderr.write(`${line}\n`),
        env: { PASS: PASSPHRASE },
        cwd: dir,
        now: () => Date.now(),
        interactive: false,
      });
      if (code !== 0) throw new Error('sign-offline failed in process');
      inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
      const delta = process.cpuUsage(used);
      cpu.push((delta.user + delta.system) / 1000);
    }
    // The key file's KDF alone (the same scrypt parameters), which sign-offline overlaps with
    // reading and reviewing the request: the floor of any run with this key file.
    const kdf: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      await new Promise((resolve, reject) => {
        const n = 2 ** LOG2N;
        scrypt(
          PASSPHRASE,
          randomBytes(16),
          32,
          { N: n, r: 8, p: 1, maxmem: 256 * n * 8 + 2 ** 20 },
          (err) => {
            if (err) reject(err);
            else resolve(undefined);
          },
        );
      });
      kdf.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const median = (xs: number[]): number =>
      Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0);
    console.log(
      JSON.stringify({
        case: `sign-offline, 4 roles, ECDSA key file (scrypt N=2^${LOG2N})`,
        requestBytes: Buffer.byteLength(request),
        runs: RUNS,
        processWallMedianMs: median(times),
        inProcessWallMedianMs: median(inProcess),
        inProcessCpuMedianMs: median(cpu),
        kdfAloneMedianMs: median(kdf),
        loadAverage: loadavg()[0],
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
