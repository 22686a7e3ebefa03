import { hash } from 'node:crypto';
import { Metadata as TufjsMetadata, MetadataKind } from '@tufjs/models';
import { addRoleKey, addTargets, newRoot, newTargets } from '../metadata/build.js';
import { parseRole } from '../metadata/client/parse-role.js';
import type { TargetFile } from '../metadata/model.js';
import { signAndSerialize } from '../metadata/signed-file.js';
import type { Signer } from '../metadata/signer.js';
import { verifyRoleSignatures } from '../metadata/verify.js';
import { SoftwareSigner, ed25519FromSeed, generatePrivateKey } from '../signing/software-signer.js';
import {
  backtrackingPattern,
  PADDING_UNDER_CAP,
  paddedTargets,
  parsePadded,
  unknownSignatures,
} from './hostile-cases.js';

// `npm run bench`: time and peak memory of building, signing and serializing a large targets role,
// then parsing and verifying it, next to the published @tufjs/models classes at a size they finish.

const LARGE = Number(process.env.BENCH_TARGETS ?? 100_000);
const TUFJS = Number(process.env.BENCH_TUFJS_TARGETS ?? 2_000);
const EXPIRES = Date.UTC(2030, 0, 1);
const PADDED = 300_000;

interface Row {
  case: string;
  targets: number;
  ms: number;
  /** User + system CPU time: comparable on a loaded machine, where wall time is not. */
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  sizeMb: number | undefined;
}

class Sampler {
  private rss = 0;
  private heap = 0;
  sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heap = Math.max(this.heap, m.heapUsed);
  }
  peaks(): { peakRssMb: number; peakHeapMb: number } {
    return { peakRssMb: this.rss / 2 ** 20, peakHeapMb: this.heap / 2 ** 20 };
  }
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
}

/** Wall and CPU time from `start` and `cpu` (process.hrtime.bigint, process.cpuUsage) to now. */
function elapsed(start: bigint, cpu: NodeJS.CpuUsage): { ms: number; cpuMs: number } {
  const used = process.cpuUsage(cpu);
  return {
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
  };
}

async function measure<T>(
  name: string,
  targets: number,
  work: (s: Sampler) => Promise<T> | T,
  size?: (result: T) => number,
): Promise<{ row: Row; result: T }> {
  gc();
  const sampler = new Sampler();
  sampler.sample();
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await work(sampler);
  const { ms, cpuMs } = elapsed(start, cpu);
  sampler.sample();
  const bytes = size?.(result);
  return {
    row: {
      case: name,
      targets,
      ms,
      cpuMs,
      ...sampler.peaks(),
      sizeMb: bytes === undefined ? undefined : bytes / 2 ** 20,
    },
    result,
  };
}

function targetEntries(n: number): [string, TargetFile][] {
  const entries: [string, TargetFile][] = new Array<[string, TargetFile]>(n);
  for (let i = 0; i < n; i++) {
    const path = `packages/${(i % 997).toString(16)}/artifact-${i}.tar.gz`;
    entries[i] = [path, { hashes: { sha256: hash('sha256', path) }, length: 1000 + i }];
  }
  return entries;
}

/** python-tuf's benchmark entries: sha256 and sha512 of each path. */
function pythonTufEntries(n: number): [string, TargetFile][] {
  const entries: [string, TargetFile][] = new Array<[string, TargetFile]>(n);
  for (let i = 0; i < n; i++) {
    const path = `packages/${(i % 997).toString(16)}/artifact-${i}.tar.gz`;
    const sha256 = hash('sha256', path);
    const sha512 = hash('sha512', path);
    entries[i] = [path, { hashes: { sha256, sha512 }, length: 1000 + i }];
  }
  return entries;
}

/** The file size and the time of the first half (build+sign+serialize) of pythonTufWork. */
interface PythonTufResult {
  bytes: number;
  firstHalf: { ms: number; cpuMs: number };
}

/**
 * python-tuf's own benchmark work in one run: build a targets role of n targets (sha256 and
 * sha512), sign it with one ed25519 key, serialize, parse, verify.
 */
async function pythonTufWork(n: number, s: Sampler): Promise<PythonTufResult> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const key = new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(5)));
  const targets = addTargets(newTargets({ expires: EXPIRES }), pythonTufEntries(n));
  s.sample();
  const { file } = await signAndSerialize(targets, [key]);
  const firstHalf = elapsed(start, cpu);
  s.sample();
  const { metadata: md, canonical } = parseRole(file.bytes, 'targets', 'targets', 'targets.json');
  s.sample();
  const result = verifyRoleSignatures(
    'targets',
    canonical,
    md.signatures,
    { [key.keyid]: key.key },
    { keyids: [key.keyid], threshold: 1 },
  );
  if (!result.verified) throw new Error('benchmark: verification failed');
  s.sample();
  return { bytes: file.length, firstHalf };
}

/** The python-tuf work's row and its two halves, as python-tuf's benchmark reports them. */
async function pythonTufRows(rows: Row[]): Promise<void> {
  const { row, result } = await measure(
    'python-tuf work: build+sign(1)+serialize+parse+verify',
    LARGE,
    (s) => pythonTufWork(LARGE, s),
    (r) => r.bytes,
  );
  const { ms, cpuMs } = result.firstHalf;
  rows.push(
    row,
    { ...row, case: '  of which build+sign+serialize', ms, cpuMs, sizeMb: undefined },
    {
      ...row,
      case: '  of which parse+verify',
      ms: row.ms - ms,
      cpuMs: row.cpuMs - cpuMs,
      sizeMb: undefined,
    },
  );
}

function signers(): Signer[] {
  return [
    new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(7))),
    new SoftwareSigner(generatePrivateKey('ecdsa-p256')),
    new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(9))),
  ];
}

async function buildSignSerialize(n: number, keys: Signer[], s: Sampler) {
  const targets = addTargets(newTargets({ expires: EXPIRES }), targetEntries(n));
  s.sample();
  const { file } = await signAndSerialize(targets, keys);
  s.sample();
  return file;
}

function parseVerify(bytes: Uint8Array, keys: Signer[], s: Sampler): boolean {
  const { metadata: md, canonical } = parseRole(bytes, 'targets', 'targets', 'targets.json');
  s.sample();
  const keyMap = Object.fromEntries(keys.map((k) => [k.keyid, k.key]));
  const result = verifyRoleSignatures('targets', canonical, md.signatures, keyMap, {
    keyids: keys.map((k) => k.keyid),
    threshold: 3,
  });
  if (!result.verified) throw new Error('benchmark: verification failed');
  return true;
}

function tufjsParseVerify(bytes: Uint8Array, keys: Signer[], s: Sampler): boolean {
  let root = newRoot({
    expires: EXPIRES,
    thresholds: { root: 1, targets: 3, snapshot: 1, timestamp: 1 },
  });
  for (const k of keys) root = addRoleKey(root, 'targets', k.key);
  for (const role of ['root', 'snapshot', 'timestamp'])
    root = addRoleKey(root, role, (keys[0] as Signer).key);
  const rootMd = TufjsMetadata.fromJSON(MetadataKind.Root, {
    signed: root,
    signatures: [],
  } as never);
  const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Parameters<
    typeof TufjsMetadata.fromJSON
  >[1];
  const md = TufjsMetadata.fromJSON(MetadataKind.Targets, json);
  s.sample();
  rootMd.verifyDelegate('targets', md);
  s.sample();
  return true;
}

/** Padded signatures and the backtracking pattern; `targets` is the count of entries or matches. */
async function hostileRows(signer: Signer, rows: Row[]): Promise<void> {
  const padded = await paddedTargets(signer, PADDED);
  const refused = await measure(
    'hostile: parse 300,000 padded signatures (cap)',
    PADDED,
    () => parsePadded(padded, signer),
    () => padded.length,
  );
  if (refused.result) throw new Error('benchmark: padded file was not refused');
  rows.push(refused.row);
  const under = await paddedTargets(signer, PADDING_UNDER_CAP);
  const kept = await measure(
    'hostile: parse+verify 1,023 padded signatures',
    PADDING_UNDER_CAP,
    () => parsePadded(under, signer),
    () => under.length,
  );
  if (!kept.result) throw new Error('benchmark: padded file under the cap was not trusted');
  rows.push(kept.row);
  rows.push(
    (await measure('hostile: count unknown keyids (sets)', PADDED, () => unknownSignatures(PADDED)))
      .row,
  );
  rows.push(
    (
      await measure('hostile: `*a`x14+`*b` on 40 chars, x1000', 1000, () =>
        backtrackingPattern(1000),
      )
    ).row,
  );
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined ? '-' : n.toFixed(digits);
}

async function main(): Promise<void> {
  const keys = signers();
  const rows: Row[] = [];
  await pythonTufRows(rows);
  const large = await measure(
    `core: build+sign(3)+serialize`,
    LARGE,
    (s) => buildSignSerialize(LARGE, keys, s),
    (f) => f.length,
  );
  rows.push(large.row);
  rows.push(
    (
      await measure('core: parse+canonicalize+verify(3)', LARGE, (s) =>
        parseVerify(large.result.bytes, keys, s),
      )
    ).row,
  );
  const small = await measure(
    `core: build+sign(3)+serialize`,
    TUFJS,
    (s) => buildSignSerialize(TUFJS, keys, s),
    (f) => f.length,
  );
  rows.push(small.row);
  rows.push(
    (
      await measure('core: parse+canonicalize+verify(3)', TUFJS, (s) =>
        parseVerify(small.result.bytes, keys, s),
      )
    ).row,
  );
  rows.push(
    (
      await measure('@tufjs/models: fromJSON+verifyDelegate(3)', TUFJS, (s) =>
        tufjsParseVerify(small.result.bytes, keys, s),
      )
    ).row,
  );
  await hostileRows(keys[0] as Signer, rows);
  const header = ['case', 'targets', 'time ms', 'cpu ms', 'peak rss MB', 'peak heap MB', 'file MB'];
  const lines = rows.map((r) => [
    r.case,
    String(r.targets),
    fmt(r.ms),
    fmt(r.cpuMs),
    fmt(r.peakRssMb),
    fmt(r.peakHeapMb),
    fmt(r.sizeMb, 1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const print = (cells: string[]): void => {
    console.log(
      cells
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  '),
    );
  };
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const l of lines) print(l);
  console.log(
    `\nnode ${process.version}; bar: python-tuf 100,000 targets build+sign+serialize ~1800 ms, parse+verify ~1300 ms`,
  );
  if (!(globalThis as { gc?: unknown }).gc)
    console.log('(run with --expose-gc for comparable memory figures)');
}

await main();
