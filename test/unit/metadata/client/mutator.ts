// A seeded mutator of metadata files for the fuzz test: byte edits (flips, inserts, deletions,
// duplications, truncations) and JSON edits (values of another type, deleted and added keys,
// prototype names, deep nesting, long strings, padded and reordered signatures). Deterministic
// for a seed, so a failing input can be replayed.

/** mulberry32: a small seeded PRNG (uniform 32-bit outputs). */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

const ODD_STRINGS = [
  '',
  '\u0000',
  '\u001b[2J',
  '\u202e',
  '..',
  '../../etc/passwd',
  '__proto__',
  'toString',
  '%2e%2e',
  '1.root.json',
  'ed25519',
  'ecdsa-sha2-nistp256',
  '2099-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2030-01-01T00:00:00+01:00',
  'ab'.repeat(32),
];
const ODD_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x', '', 'version'];

function oddValue(rng: Rng): unknown {
  switch (rng.int(12)) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -1, 1, 2, 2 ** 31, 2 ** 53, 2 ** 53 - 1, 1.5, -0, 1e308]);
    case 3:
      return rng.pick(ODD_STRINGS);
    case 4:
      return 'x'.repeat(rng.int(5000));
    case 5:
      return [];
    case 6:
      return {};
    case 7: {
      let v: unknown = 'deep';
      for (let i = 0, n = rng.int(300); i < n; i++) v = [v];
      return v;
    }
    case 8:
      return [oddValue(rng)];
    case 9:
      return { [rng.pick(ODD_KEYS)]: oddValue(rng) };
    case 10:
      return String.fromCharCode(rng.int(0x10000));
    default:
      return rng.int(1000);
  }
}

/** Every container (object or array) in a JSON value, with its keys. */
function containers(value: unknown, out: (Record<string, unknown> | unknown[])[] = []) {
  if (typeof value === 'object' && value !== null) {
    out.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

function mutateJson(rng: Rng, value: unknown): unknown {
  const all = containers(value);
  if (all.length === 0) return oddValue(rng);
  const target = rng.pick(all);
  const keys = Object.keys(target);
  const key = keys.length > 0 ? rng.pick(keys) : undefined;
  const t = target as Record<string, unknown>;
  switch (rng.int(8)) {
    case 0:
      if (key !== undefined) t[key] = oddValue(rng);
      break;
    case 1:
      if (key !== undefined && !Array.isArray(target)) Reflect.deleteProperty(t, key);
      else if (Array.isArray(target)) target.pop();
      break;
    case 2:
      if (Array.isArray(target)) target.push(oddValue(rng));
      else
        Object.defineProperty(t, rng.pick(ODD_KEYS), {
          value: oddValue(rng),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      break;
    case 3: {
      // Pad or reorder signatures, or copy one under a changed keyid.
      const env = value as { signatures?: unknown };
      if (Array.isArray(env.signatures)) {
        const sigs = env.signatures as Record<string, unknown>[];
        const first = sigs[0];
        const n = rng.int(50);
        for (let i = 0; i < n; i++) sigs.push({ keyid: `${i}`, sig: 'ab'.repeat(rng.int(70)) });
        if (first && rng.next() < 0.5) sigs.push({ ...first });
        // A mutated keyid may be anything (an object whose toString is a string): no String().
        const keyid = typeof first?.keyid === 'string' ? first.keyid.toUpperCase() : 'AB';
        if (first && rng.next() < 0.5) sigs.push({ ...first, keyid });
        if (rng.next() < 0.5) sigs.reverse();
      }
      break;
    }
    case 4:
      if (key !== undefined && typeof t[key] === 'number') t[key] = t[key] + rng.pick([1, -1]);
      break;
    case 5:
      if (key !== undefined && typeof t[key] === 'string') {
        const s = t[key];
        const i = rng.int(s.length + 1);
        t[key] = s.slice(0, i) + String.fromCharCode(32 + rng.int(95)) + s.slice(i + 1);
      }
      break;
    case 6:
      if (key !== undefined) t[key] = JSON.parse(JSON.stringify(t[key] ?? null)) as unknown; // neutral
      break;
    default:
      if (key !== undefined && keys.length > 1) {
        const other = rng.pick(keys);
        [t[key], t[other]] = [t[other], t[key]];
      }
  }
  return value;
}

function mutateBytes(rng: Rng, bytes: Uint8Array, other: Uint8Array): Uint8Array {
  const n = bytes.length;
  const at = rng.int(n + 1);
  const len = 1 + rng.int(Math.max(1, Math.min(64, n - at)));
  switch (rng.int(7)) {
    case 0: {
      const out = new Uint8Array(bytes);
      if (n > 0) out[at % n] = (out[at % n] ?? 0) ^ (1 << rng.int(8));
      return out;
    }
    case 1: {
      const out = new Uint8Array(bytes);
      if (n > 0)
        out[at % n] = rng.pick([
          0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x00, 0xff, 0x20,
        ]);
      return out;
    }
    case 2:
      return concat(
        bytes.subarray(0, at),
        enc.encode(rng.pick(['"', '{', '[', ',', '"a":1,', '\\u0000', ' ', '-', '9'])),
        bytes.subarray(at),
      );
    case 3:
      return concat(bytes.subarray(0, at), bytes.subarray(at + len));
    case 4:
      return concat(
        bytes.subarray(0, at + len),
        bytes.subarray(at, at + len),
        bytes.subarray(at + len),
      );
    case 5:
      return bytes.subarray(0, at);
    default: {
      const from = rng.int(other.length + 1);
      return concat(
        bytes.subarray(0, at),
        other.subarray(from, from + len),
        bytes.subarray(at + len),
      );
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One to three mutations of `bytes` (JSON edits when it parses, byte edits otherwise). */
export function mutate(rng: Rng, bytes: Uint8Array, other: Uint8Array): Uint8Array {
  let out = bytes;
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    if (rng.next() < 0.5) {
      let value: unknown;
      try {
        value = JSON.parse(dec.decode(out));
      } catch {
        out = mutateBytes(rng, out, other);
        continue;
      }
      const edited = mutateJson(rng, value);
      out = enc.encode(rng.next() < 0.5 ? JSON.stringify(edited) : JSON.stringify(edited, null, 1));
    } else {
      out = mutateBytes(rng, out, other);
    }
  }
  return out;
}
