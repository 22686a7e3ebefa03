import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { hashGroups, randomart } from '../ceremony/fingerprint.js';
import type { Plan } from '../ceremony/plan.js';
import type { CeremonyStatus } from '../ceremony/status.js';
import type { TranscriptEvent } from '../ceremony/transcript.js';
import { keyFingerprintDigest } from '../metadata/keys.js';

// What the broadcast page shows besides the status: the roles with their pictures, the holders
// with their keys and a mark per role, and the transcript's latest events. Public data only.

/** How many transcript events the page lists. */
export const LATEST_EVENTS = 12;

/** A holder's signature for one role as the room sees it. */
export type SignatureMark = 'valid' | 'stale' | 'missing';

/** One staged role on the page. */
export interface RoomRole {
  role: string;
  version: number;
  expires: string;
  sha256: string;
  sha256_groups: string[];
  randomart: string[];
  ready: boolean;
  /** Each authority's count: one for most roles, new and old root for a rotation. */
  counts: { authority: string; valid: number; threshold: number }[];
}

/** One holder on the page. */
export interface RoomHolder {
  id: string;
  name?: string;
  keys: { keyid: string; fingerprint: string; randomart: string[] }[];
  /** Roles this holder's keys are needed for, with where their signature stands. */
  marks: { role: string; mark: SignatureMark }[];
}

/** One transcript event, reduced to what viewers need. */
export interface RoomEvent {
  time: string;
  actor: string;
  type: string;
  detail: string;
}

/** Everything /room.json serves. */
export interface RoomData {
  name: string;
  ceremony_id: string;
  roles: RoomRole[];
  holders: RoomHolder[];
  events: RoomEvent[];
}

function markOf(status: CeremonyStatus, holder: string, role: string): SignatureMark | undefined {
  const r = status.roles.find((x) => x.role === role);
  if (!r) return undefined;
  if (r.checks.some((c) => c.signedBy.includes(holder))) return 'valid';
  const needed = r.checks.some((c) => c.missingHolders.includes(holder));
  if (!needed) return undefined;
  return r.stale.some((s) => s.holder === holder) ? 'stale' : 'missing';
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function eventDetail(event: TranscriptEvent): string {
  const d = event.data;
  const parts = [text(d.holder), text(d.role)];
  if (d.version !== undefined) parts.push(`v${text(d.version)}`);
  const sha = text(d.signed_sha256) || text(d.sha256);
  if (sha) parts.push(`sha256 ${sha.slice(0, 16)}…`);
  return parts.filter((p) => p !== '').join(' ');
}

function holderKeys(keys: readonly EnrolledKey[], holder: string): RoomHolder['keys'] {
  return keys
    .filter((k) => k.holder === holder && k.retired_at === undefined)
    .map((k) => ({
      keyid: k.keyid,
      fingerprint: k.fingerprint,
      randomart: randomart(keyFingerprintDigest(k.key), holder, 'KEY'),
    }));
}

/** Builds the page's data from the plan, enrolled keys, status and transcript events. */
export function roomData(
  plan: Plan,
  keys: readonly EnrolledKey[],
  status: CeremonyStatus,
  events: readonly TranscriptEvent[],
): RoomData {
  const holderIds = [...new Set([...Object.keys(plan.holders), ...keys.map((k) => k.holder)])];
  return {
    name: plan.name,
    ceremony_id: status.id,
    roles: status.roles.map((r) => ({
      role: r.role,
      version: r.version,
      expires: r.expires,
      sha256: r.sha256,
      sha256_groups: hashGroups(r.sha256),
      randomart: randomart(r.sha256, `${r.role} v${r.version}`),
      ready: r.ready,
      counts: r.checks.map((c) => ({
        authority: c.label,
        valid: c.holdersCounted,
        threshold: c.result.threshold,
      })),
    })),
    holders: holderIds.map((id) => {
      const name = Object.prototype.hasOwnProperty.call(plan.holders, id)
        ? plan.holders[id]?.name
        : undefined;
      const marks = status.roles.flatMap((r) => {
        const mark = markOf(status, id, r.role);
        return mark ? [{ role: r.role, mark }] : [];
      });
      return { id, ...(name ? { name } : {}), keys: holderKeys(keys, id), marks };
    }),
    events: events
      .slice(-LATEST_EVENTS)
      .reverse()
      .map((e) => ({ time: e.time, actor: e.actor, type: e.type, detail: eventDetail(e) })),
  };
}
