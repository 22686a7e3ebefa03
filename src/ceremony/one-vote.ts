import { publicKeyHandle } from '../metadata/keys.js';
import type { Key } from '../metadata/model.js';
import type { EnrolledKey } from './enrolled-key.js';
import { holderOfKey } from './enrolled-key.js';

// One holder, one vote: a threshold of "2 of 3 holders" must take two people. The spec counts
// keyids (spec 5.3.4, 5.4.2, 5.5.3, 5.6.3); a ceremony also counts the people behind them.

/** The enrolled keys a holder may sign new metadata with (retired and compromised ones left out). */
export function activeKeys(keys: readonly EnrolledKey[]): EnrolledKey[] {
  return keys.filter((k) => k.retired_at === undefined);
}

/** Active keys grouped by holder, in enrollment-file order. */
export function activeKeysByHolder(keys: readonly EnrolledKey[]): Map<string, EnrolledKey[]> {
  const byHolder = new Map<string, EnrolledKey[]>();
  for (const k of activeKeys(keys)) byHolder.set(k.holder, [...(byHolder.get(k.holder) ?? []), k]);
  return byHolder;
}

function short(keyid: string): string {
  return keyid.slice(0, 8);
}

/** Same public key whatever its encoding or holder field; unreadable keys by their text. */
function identityOf(key: Key): string {
  try {
    return publicKeyHandle(key).identity;
  } catch {
    return `${key.keytype}:${key.keyval.public}`;
  }
}

/**
 * Problems with a key set that would let one person count twice toward a threshold: a holder
 * with two active keys, or one public key enrolled for two holders. `signsSomething` tells
 * whether a holder signs any role of the plan (other holders' keys are never used).
 */
export function oneVoteProblems(
  keys: readonly EnrolledKey[],
  signsSomething: (holder: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const [holder, held] of activeKeysByHolder(keys)) {
    if (held.length < 2 || !signsSomething(holder)) continue;
    const ids = held.map((k) => short(k.keyid));
    problems.push(
      `${holder} holds ${held.length} active keys (${ids.join(', ')}): one holder has one vote; retire all but one with tuf-ceremony key retire --holder ${holder} --keyid ${ids[ids.length - 1] ?? ''}`,
    );
  }
  const owners = new Map<string, EnrolledKey>();
  for (const k of activeKeys(keys)) {
    if (!signsSomething(k.holder)) continue;
    const identity = identityOf(k.key);
    const first = owners.get(identity);
    if (first === undefined) owners.set(identity, k);
    else if (first.holder !== k.holder) {
      problems.push(
        `${first.holder} and ${k.holder} enrolled the same public key (${short(first.keyid)}, ${short(k.keyid)}): one key would count for two holders; each holder enrolls their own key`,
      );
    }
  }
  return problems;
}

/** Another holder's active key with the same public key as `candidate`, if any. */
export function sameKeyElsewhere(
  keys: readonly EnrolledKey[],
  candidate: EnrolledKey,
): EnrolledKey | undefined {
  const identity = identityOf(candidate.key);
  return activeKeys(keys).find(
    (k) => k.holder !== candidate.holder && identityOf(k.key) === identity,
  );
}

/** The holder behind a keyid: the key's own holder field, else the known holders, else the key. */
export function holderOfKeyid(
  keyid: string,
  keys: Readonly<Record<string, Key>>,
  holderOf: ReadonlyMap<string, string>,
): string {
  const key = keys[keyid];
  return (key ? holderOfKey(key) : undefined) ?? holderOf.get(keyid) ?? `key ${short(keyid)}`;
}

/** Distinct holders among keyids, in first-seen order (spec 5.3.4 counts keys; a holder counts once). */
export function distinctHolders(
  keyids: readonly string[],
  keys: Readonly<Record<string, Key>>,
  holderOf: ReadonlyMap<string, string>,
): string[] {
  return [...new Set(keyids.map((k) => holderOfKeyid(k, keys, holderOf)))];
}
