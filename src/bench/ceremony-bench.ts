import { spawn } from 'node:child_process';
import { createHash, scryptSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run bench:ceremony`: a whole ceremony over a repository of many targets known by a
// manifest, each step in its own process as an operator runs it, with its wall time and peak
// memory. Case 1: 100,000 targets in top-level targets. Case 2: 1,000,000 targets in 16,384
// succinct hash bins, then one more target three times (each must re-sign exactly one bin,
// snapshot and timestamp). BENCH_CASES=top,bins picks cases; BENCH_TOP_TARGETS,
// BENCH_BIN_TARGETS and BENCH_BIT_LENGTH scale them; BENCH_KEEP=1 keeps each case's folder (for
// profiling its steps).

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'measured-cli.js');
const TOP = Number(process.env.BENCH_TOP_TARGETS ?? 100_000);
const BINS = Number(process.env.BENCH_BIN_TARGETS ?? 1_000_000);
const BIT_LENGTH = Number(process.env.BENCH_BIT_LENGTH ?? 14);
const CASES = (process.env.BENCH_CASES ?? 'top,bins').split(',');
const KEEP = process.env.BENCH_KEEP === '1';
/** A pause after which the files of the last round are settled for this machine's records. */
const SETTLE_MS = 2_500;

/** Removes a case's folder, or says where it is kept (BENCH_KEEP=1). */
async function cleanUp(base: string): Promise<void> {
  if (KEEP) console.log(`kept: ${base}`);
  else await rm(base, { recursive: true, force: true });
}

interface Step {
  step: string;
  ms: number;
  cpuMs: number;
  peakRssMb: number;
}

async function run(dir: string, args: string[], env: Record<string, string>): Promise<Step> {
  const rssFile = join(dir, '..', `rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const { code, stderr, stdout } = await new Promise<{
    code: number | null;
    stderr: string;
    stdout: string;
  }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (c) => {
      resolve({ code: c, stderr: err, stdout: out });
    });
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (code !== 0)
    throw new Error(`tuf-ceremony ${args.join(' ')} exited ${code}:\n${stdout}\n${stderr}`);
  const usage = JSON.parse(await readFile(rssFile, 'utf8')) as { maxRSS: number; cpu: number };
  return {
    step: args.slice(0, 2).join(' '),
    ms,
    cpuMs: usage.cpu / 1000,
    peakRssMb: usage.maxRSS / 1024,
  };
}

/** Writes a JSON Lines manifest of n targets (sha256 and sha512, as python-tuf's benchmark). */
async function writeManifest(file: string, n: number, prefix: string): Promise<void> {
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const path = `${prefix}/${(i % 997).toString(16)}/artifact-${i}.tar.gz`;
    const sha256 = createHash('sha256').update(path).digest('hex');
    const sha512 = createHash('sha512').update(path).digest('hex');
    chunk += `{"path":"${path}","length":${1000 + i},"hashes":{"sha256":"${sha256}","sha512":"${sha512}"}}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk))
        await new Promise<void>((r) =>
          out.once('drain', () => {
            r();
          }),
        );
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) =>
    out.once('finish', () => {
      r();
    }),
  );
}

async function setUp(plan: (text: string) => string): Promise<{
  dir: string;
  base: string;
  env: Record<string, string>;
}> {
  const base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-bench-'));
  const dir = join(base, 'root');
  const env: Record<string, string> = {
    TUF_CEREMONY_KEY_DIR: join(base, 'keys'),
    // Its own key references: never those of the user running the benchmark.
    TUF_CEREMONY_KEY_REFS: join(base, 'key-refs'),
    TUF_CEREMONY_CACHE: join(base, 'cache'),
    PASS_ALICE: 'alice bench passphrase',
    PASS_BOB: 'bob bench passphrase',
    PASS_ONLINE: 'online bench passphrase',
  };
  await run(base, ['init', dir, '--holders', 'alice,bob', '--threshold', '2'], env);
  for (const holder of ['alice', 'bob', 'online']) {
    await run(
      dir,
      [
        'key',
        'add',
        '--holder',
        holder,
        '--generate',
        'ed25519',
        '--key-file',
        join(base, 'keys', `${holder}.key`),
        '--passphrase-env',
        `PASS_${holder.toUpperCase()}`,
      ],
      env,
    );
  }
  const planFile = join(dir, 'ceremony.yaml');
  await writeFile(planFile, plan(await readFile(planFile, 'utf8')));
  // The first ceremony (root, targets, bins) before any target exists.
  for (const args of ceremonySteps()) await run(dir, args, env);
  return { dir, base, env };
}

function ceremonySteps(): string[][] {
  return [
    ['stage'],
    ['sign', '--holder', 'alice', '--passphrase-env', 'PASS_ALICE', '--yes'],
    ['sign', '--holder', 'bob', '--passphrase-env', 'PASS_BOB', '--yes'],
    ['finalize', '--passphrase-env', 'PASS_ONLINE'],
  ];
}

async function ceremony(
  dir: string,
  env: Record<string, string>,
  manifest: string,
  label: string,
): Promise<Step[]> {
  const steps: Step[] = [];
  steps.push(await run(dir, ['targets', 'import', manifest], env));
  for (const args of ceremonySteps()) steps.push(await run(dir, args, env));
  steps.push(
    await run(dir, ['verify', '--root', join(dir, 'repository', '1.root.json'), 'repository'], env),
  );
  return steps.map((s) => ({ ...s, step: `${label}: ${s.step}` }));
}

function print(title: string, steps: readonly Step[], notes: string[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...steps.map((s) => s.step.length), 4);
  console.log(
    `${'step'.padEnd(width)}  ${'wall s'.padStart(8)}  ${'cpu s'.padStart(8)}  ${'peak rss MiB'.padStart(12)}`,
  );
  for (const s of steps)
    console.log(
      `${s.step.padEnd(width)}  ${(s.ms / 1000).toFixed(2).padStart(8)}  ${(s.cpuMs / 1000).toFixed(2).padStart(8)}  ${s.peakRssMb.toFixed(0).padStart(12)}`,
    );
  console.log('(wall time depends on the machine load; cpu = user + system time of the process)');
  for (const note of notes) console.log(note);
}

function sum(steps: readonly Step[], from: number, to: number): string {
  const part = steps.slice(from, to);
  const wall = part.reduce((t, s) => t + s.ms, 0) / 1000;
  const cpu = part.reduce((t, s) => t + s.cpuMs, 0) / 1000;
  return `${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s cpu`;
}

/** Steps that unlock a key file: each holder's sign and finalize (the online key). */
const UNLOCKING_STEPS = ['sign', 'finalize'];

/**
 * The scrypt cost the bench's key files record and the CPU time of one derivation at that cost
 * in this process (a security parameter: the bench keeps the real one, N=2^17 by default).
 */
async function kdfCost(base: string): Promise<{ text: string; cpuMs: number }> {
  const doc = JSON.parse(await readFile(join(base, 'keys', 'alice.key'), 'utf8')) as {
    kdf: { N: number; r: number; p: number };
  };
  const { N, r, p } = doc.kdf;
  const start = process.cpuUsage();
  scryptSync('bench', 'salt', 32, { N, r, p, maxmem: 256 * N * r * p + (1 << 20) });
  const used = process.cpuUsage(start);
  return {
    text: `scrypt N=2^${Math.log2(N)}, r=${r}, p=${p}`,
    cpuMs: (used.user + used.system) / 1000,
  };
}

/** One line on the key files' KDF and the ceremony's CPU time without its unlocks. */
async function kdfNote(base: string, steps: readonly Step[]): Promise<string> {
  const kdf = await kdfCost(base);
  const unlocks = steps.filter((s) =>
    UNLOCKING_STEPS.some((u) => s.step.split(': ')[1]?.startsWith(u)),
  ).length;
  const cpu = steps.reduce((t, s) => t + s.cpuMs, 0);
  return `key files: ${kdf.text}, ${(kdf.cpuMs / 1000).toFixed(2)} s cpu per unlock here; ${unlocks} unlocks: ${((cpu - unlocks * kdf.cpuMs) / 1000).toFixed(2)} s cpu without them`;
}

async function topLevelCase(): Promise<void> {
  const { dir, base, env } = await setUp((t) => t);
  const manifest = join(base, 'top.jsonl');
  await writeManifest(manifest, TOP, 'packages');
  const steps = await ceremony(dir, env, manifest, 'top');
  const peak = Math.max(...steps.map((s) => s.peakRssMb));
  print(`case 1: ${TOP.toLocaleString('en-US')} targets in top-level targets`, steps, [
    `whole ceremony (import through verify): ${sum(steps, 0, steps.length)}, peak ${peak.toFixed(0)} MiB`,
    'goal: under 3x python-tuf build+sign+serialize+parse+verify of the same targets (about 3.1 s unloaded here: 9.3 s)',
    await kdfNote(base, steps),
  ]);
  await cleanUp(base);
}

async function binsCase(): Promise<void> {
  const bins = 2 ** BIT_LENGTH;
  const { dir, base, env } = await setUp(
    (t) =>
      `${t}\ndelegations:\n  bins: { succinct: { bit_length: ${BIT_LENGTH}, name_prefix: bins }, holders: [alice, bob], threshold: 2, expires: 90d, signing_window: 30d }\n`,
  );
  const manifest = join(base, 'bins.jsonl');
  await writeManifest(manifest, BINS, 'pkgs');
  const steps = await ceremony(dir, env, manifest, 'bins');
  const peak = Math.max(...steps.map((s) => s.peakRssMb));
  const one = join(base, 'one.jsonl');
  await writeManifest(one, 1, 'one-more');
  const more = await ceremony(dir, env, one, '+1');
  // Files this machine wrote are taken on its records only once their last change is two
  // seconds old (file-digests.ts): the first round after the million reads every published bin,
  // the rounds after it what changed. Two more rounds, each after such a pause.
  const again: Step[][] = [];
  for (const round of [2, 3]) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const next = join(base, `one-${round}.jsonl`);
    await writeManifest(next, 1, `one-more-${round}`);
    again.push(await ceremony(dir, env, next, `+1 (${round})`));
  }
  const staged = (await readdir(join(dir, 'ceremony-logs'))).length;
  print(
    `case 2: ${BINS.toLocaleString('en-US')} targets in ${bins.toLocaleString('en-US')} succinct hash bins`,
    [...steps, ...more, ...again.flat()],
    [
      `import through finalize: ${sum(steps, 0, 5)} (goal < 120 s); verify: ${sum(steps, 5, 6)} (goal < 60 s); peak ${peak.toFixed(0)} MiB (goal < 2048)`,
      `one more target, import through finalize, first round after the million: ${sum(more, 0, 5)} (goal < 5 s)`,
      ...again.map(
        (r, i) =>
          `one more target, import through finalize, round ${i + 2}: ${sum(r, 0, 5)} (goal < 5 s)`,
      ),
      `ceremonies logged: ${staged}`,
      await kdfNote(base, steps),
    ],
  );
  await cleanUp(base);
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
if (CASES.includes('top')) await topLevelCase();
if (CASES.includes('bins')) await binsCase();
