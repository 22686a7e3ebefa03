import { canonicalString } from '../metadata/canonical.js';
import { isJsonObject } from '../metadata/json.js';
import { quotedForTerminal } from '../metadata/printable.js';
import { sameJson } from '../metadata/same-json.js';

// What differs between a staged draft and the draft the plan gives now, said as paths into
// `signed` (`roles.root.threshold 2 -> 3`), so a holder sees why signing is refused.

/** Paths and values printed with every control, bidi and invisible character escaped. */
function shown(value: unknown): string {
  const text = typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? short(value) : value;
  return quotedForTerminal(text);
}

function short(keyid: string): string {
  return `${keyid.slice(0, 8)}…`;
}

function segment(name: string): string {
  if (/^[0-9a-f]{64}$/.test(name)) return short(name);
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : `[${shown(name)}]`;
}

function join(path: string, name: string): string {
  const s = segment(name);
  return path === '' ? s : s.startsWith('[') ? `${path}${s}` : `${path}.${s}`;
}

function label(path: string): string {
  return path === '' ? '(whole document)' : path;
}

function walk(before: unknown, after: unknown, path: string, out: string[]): void {
  if (sameJson(before, after)) return;
  if (isJsonObject(before) && isJsonObject(after)) {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const name of names) {
      const inBefore = Object.prototype.hasOwnProperty.call(before, name);
      const inAfter = Object.prototype.hasOwnProperty.call(after, name);
      if (!inAfter) out.push(`${join(path, name)} removed`);
      else if (!inBefore) out.push(`${join(path, name)} added`);
      else walk(before[name], after[name], join(path, name), out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const was = new Set(before.map((v) => canonicalString(v)));
    const now = new Set(after.map((v) => canonicalString(v)));
    const added = after.filter((v) => !was.has(canonicalString(v))).map(shown);
    const removed = before.filter((v) => !now.has(canonicalString(v))).map(shown);
    const parts = [
      ...(added.length > 0 ? [`+ ${added.join(', ')}`] : []),
      ...(removed.length > 0 ? [`- ${removed.join(', ')}`] : []),
    ];
    out.push(`${label(path)} ${parts.length > 0 ? parts.join(' ') : 'reordered'}`);
    return;
  }
  out.push(`${label(path)} ${shown(before)} -> ${shown(after)}`);
}

/**
 * Every difference between two JSON documents as `path old -> new`, `path added`, `path
 * removed` or `path + added - removed` (arrays), in sorted key order; at most `limit` lines,
 * the last one saying how many more there are (each level canonicalized once: size x depth).
 */
export function jsonChanges(before: unknown, after: unknown, limit = 5): string[] {
  const out: string[] = [];
  walk(before, after, '', out);
  if (out.length <= limit) return out;
  return [...out.slice(0, limit), `and ${out.length - limit} more`];
}
