import { sha256Hex } from '../metadata/bytes.js';
import { CeremonyError } from '../metadata/errors.js';
import { isJsonObject, type JsonObject } from '../metadata/json.js';
import { jsonNestingDepth, MAX_JSON_DEPTH } from '../metadata/json-depth.js';
import { rfc8785Text as canonicalize } from './rfc8785.js';

// The ceremony transcript: one append-only file of JSON lines per actor, each event chained to
// the previous one by the sha256 of its RFC 8785 canonical JSON. Editing, inserting or deleting a
// line breaks the chain at the next line. The tip of each holder's chain is anchored in the
// coordinator's `ceremony.finalized` event (transcript_heads); the tip of the coordinator's own
// chain is anchored by the git commit that publishes it.

/** `prev` of the first event of every file. */
export const GENESIS_PREV = '0'.repeat(64);

/** Event types the tool writes (readers accept other well-formed types and list them). */
export const EVENT_TYPES = [
  'ceremony.started',
  'key.enrolled',
  'role.staged',
  'role.restaged',
  'signature.added',
  'signature.imported',
  'signature.stale',
  'ceremony.finalized',
  'ceremony.published',
  'ceremony.abandoned',
  'role.refreshed',
  'sigstore.smoke_tested',
  'sigstore.checked',
] as const;

/** A known event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** One line of a transcript file. */
export interface TranscriptEvent {
  /** 1 for the first line of a file, then +1 per line. */
  seq: number;
  /** RFC 3339 UTC time with milliseconds. */
  time: string;
  /** Holder name, or `coordinator`. */
  actor: string;
  type: string;
  data: JsonObject;
  /** Hex sha256 of the previous event's canonical JSON; GENESIS_PREV for the first. */
  prev: string;
}

/** What a caller supplies for a new event; seq and prev come from the chain. */
export interface NewEvent {
  actor: string;
  type: EventType;
  /** Epoch milliseconds. */
  time: number;
  data: JsonObject;
}

/** Head of one actor's chain, as anchored in `ceremony.finalized`. */
export interface ChainHead {
  seq: number;
  sha256: string;
}

/** Actor names become file names: holder names (see plan rules) and `coordinator`. */
export const ACTOR_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TYPE_NAME = /^[a-z]+(\.[a-z_]+)+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const SECRET_FIELDS = new Set([
  'passphrase',
  'password',
  'pin',
  'pin_value',
  'secret',
  'private_key',
]);

/** RFC 8785 canonical JSON of an event: exactly one line of a transcript file. */
export function eventLine(event: TranscriptEvent): string {
  const text = canonicalize(event);
  if (text === undefined) throw new CeremonyError('STATE_INVALID', 'event is not JSON');
  return text;
}

/** Hex sha256 of the event's canonical JSON: the next event's `prev`. */
export function eventHash(event: TranscriptEvent): string {
  return sha256Hex(eventLine(event));
}

/** Refuses event data that could carry a secret: secrets never enter the transcript. */
export function assertNoSecrets(type: string, value: unknown, path = 'data'): void {
  if (typeof value === 'string') {
    if (/PRIVATE KEY-----|[?;&]pin-value=|^pin-value=/i.test(value)) {
      throw new CeremonyError('STATE_INVALID', `${type}: ${path} looks like a secret`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      assertNoSecrets(type, v, `${path}[${i}]`);
    });
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_FIELDS.has(k.toLowerCase())) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${type}: ${path}.${k} would put a secret in the transcript`,
      );
    }
    // A key reference is recorded by scheme only (`file`, `pkcs11`): paths and URIs stay out.
    if (
      (k === 'key_ref' || k === 'key_ref_scheme') &&
      (typeof v !== 'string' || !/^[a-z0-9]+$/.test(v))
    ) {
      throw new CeremonyError('STATE_INVALID', `${type}: ${path}.${k} must be a scheme only`);
    }
    assertNoSecrets(type, v, `${path}.${k}`);
  }
}

/**
 * The event that follows `last` (undefined for a new file); `lastHash`: eventHash(last) when the
 * caller has just computed it from the line it wrote (a batch canonicalizes each event once).
 */
export function nextEvent(
  last: TranscriptEvent | undefined,
  input: NewEvent,
  lastHash?: string,
): TranscriptEvent {
  if (!ACTOR_NAME.test(input.actor)) {
    throw new CeremonyError(
      'STATE_INVALID',
      `transcript actor "${input.actor}" is not a valid name`,
    );
  }
  if (last && last.actor !== input.actor) {
    throw new CeremonyError(
      'STATE_INVALID',
      `transcript of ${last.actor} cannot take events of ${input.actor}`,
    );
  }
  assertNoSecrets(input.type, input.data);
  return {
    seq: last ? last.seq + 1 : 1,
    time: new Date(input.time).toISOString(),
    actor: input.actor,
    type: input.type,
    data: input.data,
    prev: last ? (lastHash ?? eventHash(last)) : GENESIS_PREV,
  };
}

function shapeProblem(v: unknown, actor: string | undefined): string | undefined {
  if (!isJsonObject(v)) return 'not a JSON object';
  const keys = Object.keys(v).sort().join(',');
  if (keys !== 'actor,data,prev,seq,time,type')
    return `fields are ${keys}, expected actor, data, prev, seq, time, type`;
  if (typeof v.seq !== 'number' || !Number.isInteger(v.seq) || v.seq < 1)
    return 'seq is not a positive integer';
  if (typeof v.time !== 'string' || !TIME.test(v.time)) return 'time is not an RFC 3339 UTC time';
  if (typeof v.actor !== 'string' || (actor !== undefined && v.actor !== actor)) {
    return `actor is ${JSON.stringify(v.actor)}, but the file belongs to ${actor ?? 'nobody'}`;
  }
  if (typeof v.type !== 'string' || !TYPE_NAME.test(v.type)) return 'type is not an event type';
  if (!isJsonObject(v.data)) return 'data is not an object';
  if (typeof v.prev !== 'string' || !HEX64.test(v.prev)) return 'prev is not a sha256 hex digest';
  return undefined;
}

/** Events of one file and every break found in its chain (`<file>:<line>: <problem>`). */
export interface ChainCheck {
  events: TranscriptEvent[];
  problems: string[];
}

/** One line of an actor's file parsed and its shape checked: its event, or the problem. */
function readEventLine(
  line: string,
  actor: string | undefined,
): { event: TranscriptEvent } | { problem: string } {
  let parsed: unknown;
  try {
    if (jsonNestingDepth(line) > MAX_JSON_DEPTH) throw new RangeError('nested too deep');
    parsed = JSON.parse(line);
  } catch {
    return { problem: 'not valid JSON' };
  }
  const shape = shapeProblem(parsed, actor);
  return shape ? { problem: shape } : { event: parsed as TranscriptEvent };
}

/**
 * True when checkChain's events of this file include one of `type` (its events are every line
 * that parses with the shape of an event, whatever the chain): only the lines that can spell
 * the type, by name or through an escape, are parsed.
 */
export function chainHoldsType(text: string, type: EventType, actor?: string): boolean {
  if (!text.includes(type) && !text.includes('\\')) return false;
  for (const line of text.split('\n')) {
    if (!line.includes(type) && !line.includes('\\')) continue;
    const read = readEventLine(line, actor);
    if ('event' in read && read.event.type === type) return true;
  }
  return false;
}

/** Checks one actor's file: parseable lines, contiguous seq, and every prev hash. */
export function checkChain(text: string, file: string, actor?: string): ChainCheck {
  const events: TranscriptEvent[] = [];
  const problems: string[] = [];
  if (text !== '' && !text.endsWith('\n'))
    problems.push(`${file}: the last line is cut short (no newline)`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let last: TranscriptEvent | undefined;
  // The hash of `last` from its canonical text, canonicalized once per line (for the form check).
  let lastHash: string | undefined;
  let lastLine = 0;
  lines.forEach((line, index) => {
    const n = index + 1;
    const at = `${file}:${n}`;
    const read = readEventLine(line, actor);
    if ('problem' in read) {
      problems.push(`${at}: ${read.problem}`);
      last = undefined;
      lastHash = undefined;
      lastLine = n;
      return;
    }
    const { event } = read;
    const expectedSeq = n === 1 ? 1 : last ? last.seq + 1 : undefined;
    if (expectedSeq !== undefined && event.seq !== expectedSeq) {
      problems.push(
        `${at}: seq ${event.seq}, expected ${expectedSeq} (a line is missing or added)`,
      );
    }
    if (n === 1 && event.prev !== GENESIS_PREV) {
      problems.push(`${at}: the first event's prev is not 64 zeros (earlier lines were removed)`);
    } else if (n > 1 && last && event.prev !== (lastHash ?? eventHash(last))) {
      problems.push(`${at}: prev hash does not match line ${lastLine}`);
    }
    const canonical = canonicalize(event);
    if (canonical !== line) problems.push(`${at}: not in canonical JSON form`);
    events.push(event);
    last = event;
    lastHash = canonical === undefined ? undefined : sha256Hex(canonical);
    lastLine = n;
  });
  return { events, problems };
}

/** The head (last seq and its hash) of a chain, or undefined for an empty one. */
export function chainHead(events: readonly TranscriptEvent[]): ChainHead | undefined {
  const last = events[events.length - 1];
  return last ? { seq: last.seq, sha256: eventHash(last) } : undefined;
}

/** Checks heads recorded in `ceremony.finalized` events against the actors' chains. */
export function checkAnchoredHeads(
  chains: ReadonlyMap<string, readonly TranscriptEvent[]>,
  fileOf: (actor: string) => string,
): string[] {
  const problems: string[] = [];
  for (const [actor, events] of chains) {
    for (const event of events) {
      const heads = event.type === 'ceremony.finalized' ? event.data.transcript_heads : undefined;
      if (!isJsonObject(heads)) continue;
      for (const [other, head] of Object.entries(heads)) {
        if (!isJsonObject(head)) continue;
        const chain = chains.get(other) ?? [];
        const anchored = chain.find((e) => e.seq === head.seq);
        if (!anchored || eventHash(anchored) !== head.sha256) {
          problems.push(
            `${fileOf(other)}: event ${JSON.stringify(head.seq)} is ${anchored ? 'changed' : 'missing'} (its hash is anchored by event ${event.seq} of ${fileOf(actor)})`,
          );
        }
      }
    }
  }
  return problems;
}

/** Every actor's events merged in time order (coordinator first at equal times, then by seq). */
export function mergeEvents(
  chains: ReadonlyMap<string, readonly TranscriptEvent[]>,
): TranscriptEvent[] {
  const rank = (actor: string): number => (actor === 'coordinator' ? 0 : 1);
  return [...chains.values()]
    .flat()
    .sort(
      (a, b) =>
        a.time.localeCompare(b.time) ||
        rank(a.actor) - rank(b.actor) ||
        a.actor.localeCompare(b.actor) ||
        a.seq - b.seq,
    );
}
