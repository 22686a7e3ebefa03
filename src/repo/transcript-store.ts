import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { Plan } from '../ceremony/plan.js';
import {
  ACTOR_NAME,
  chainHead,
  chainHoldsType,
  checkAnchoredHeads,
  checkChain,
  eventLine,
  mergeEvents,
  nextEvent,
  type ChainHead,
  type NewEvent,
  type TranscriptEvent,
} from '../ceremony/transcript.js';
import { renderSummary } from '../ceremony/transcript-summary.js';
import { sha256Hex } from '../metadata/bytes.js';
import { CeremonyError } from '../metadata/errors.js';
import type { JsonObject } from '../metadata/json.js';
import { writeFileAtomic } from './atomic-write.js';

// Transcript files on disk: ceremony-logs/<id>/<actor>.jsonl, one per actor, so holders signing
// in parallel clones never touch the same file.

/** The folder of one ceremony's transcript inside a ceremony repository. */
export function ceremonyLogDir(repoRoot: string, ceremonyId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ceremonyId)) {
    throw new CeremonyError(
      'STATE_INVALID',
      `ceremony id "${ceremonyId}" is not a valid folder name`,
    );
  }
  return join(repoRoot, 'ceremony-logs', ceremonyId);
}

/** The transcript file of one actor. */
export function transcriptFile(logDir: string, actor: string): string {
  if (!ACTOR_NAME.test(actor)) {
    throw new CeremonyError('STATE_INVALID', `transcript actor "${actor}" is not a valid name`);
  }
  return join(logDir, `${actor}.jsonl`);
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** One actor's file as read and checked. */
export interface ActorTranscript {
  actor: string;
  file: string;
  events: TranscriptEvent[];
  problems: string[];
}

/** A ceremony's transcript folder as read and checked. */
export interface TranscriptLog {
  dir: string;
  actors: ActorTranscript[];
  /** Every event of every actor, in time order. */
  events: TranscriptEvent[];
  /** Every break found, `<file>:<line>: <problem>`; empty when intact. */
  problems: string[];
}

/** Shows `file` relative to `base` (when given and inside it), for messages. */
function display(file: string, base: string | undefined): string {
  if (base === undefined) return file;
  const rel = relative(base, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

/**
 * Reads and checks every `<actor>.jsonl` of a ceremony's transcript folder; file names in
 * problems are shown relative to `base` when given.
 */
export async function readTranscript(logDir: string, base?: string): Promise<TranscriptLog> {
  const names = (await readdir(logDir)).filter((n) => n.endsWith('.jsonl')).sort();
  const actors: ActorTranscript[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const actor = basename(name, '.jsonl');
    const file = join(logDir, name);
    const shown = display(file, base);
    if (!ACTOR_NAME.test(actor)) {
      problems.push(`${shown}: "${actor}" is not a valid actor name`);
      continue;
    }
    const check = checkChain((await readText(file)) ?? '', shown, actor);
    actors.push({ actor, file, events: check.events, problems: check.problems });
    problems.push(...check.problems);
  }
  const chains = new Map(actors.map((a) => [a.actor, a.events]));
  problems.push(
    ...checkAnchoredHeads(chains, (actor) => display(join(logDir, `${actor}.jsonl`), base)),
  );
  return { dir: logDir, actors, events: mergeEvents(chains), problems };
}

/**
 * True when a chain of the ceremony's transcript holds `ceremony.finalized`, as readTranscript's
 * events would, parsing only the lines that can (chainHoldsType): a ceremony of 16,384 bins
 * has as many staged and signed events.
 */
export async function holdsFinalized(logDir: string): Promise<boolean> {
  for (const name of (await readdir(logDir)).filter((n) => n.endsWith('.jsonl')).sort()) {
    const actor = basename(name, '.jsonl');
    if (!ACTOR_NAME.test(actor)) continue;
    const text = (await readText(join(logDir, name))) ?? '';
    if (chainHoldsType(text, 'ceremony.finalized', actor)) return true;
  }
  return false;
}

/** Heads of every actor's chain in a folder, except `except`. */
function heads(log: TranscriptLog, except: string): JsonObject {
  const out: JsonObject = {};
  for (const a of log.actors) {
    const head = a.actor === except ? undefined : chainHead(a.events);
    if (head) out[a.actor] = { seq: head.seq, sha256: head.sha256 };
  }
  return out;
}

/**
 * Appends one event to its actor's file (checked first; a broken chain is never extended).
 * A `ceremony.finalized` event also records the heads of every other actor's chain, so a later
 * truncation of a holder's file is detected.
 */
export async function appendEvent(logDir: string, input: NewEvent): Promise<TranscriptEvent> {
  const [event] = await appendEvents(logDir, [input]);
  return event as TranscriptEvent;
}

/** Each transcript file this process wrote: its whole text and its chain's last event. */
const writtenChains = new Map<
  string,
  { text: string; last: TranscriptEvent | undefined; lastHash: string | undefined }
>();

/**
 * Appends events of one actor in one write (the chain read and checked once, a single atomic
 * write): staging thousands of hash bins records thousands of events in linear time.
 */
export async function appendEvents(
  logDir: string,
  inputs: readonly NewEvent[],
): Promise<TranscriptEvent[]> {
  const [input] = inputs;
  if (input === undefined) return [];
  const file = transcriptFile(logDir, input.actor);
  const text = (await readText(file)) ?? '';
  // A file still exactly as this process wrote it has the chain checked then: a sign that
  // persists 16,384 signatures in batches checks its chain once, not once per batch.
  const written = writtenChains.get(file);
  let last: TranscriptEvent | undefined;
  // The hash of each new event from the line just written: every event canonicalized once.
  let lastHash: string | undefined;
  if (written !== undefined && written.text === text) {
    ({ last, lastHash } = written);
  } else {
    const check = checkChain(text, file, input.actor);
    if (check.problems.length > 0) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${check.problems[0] ?? file}; not appending to a broken transcript (run tuf-ceremony log verify)`,
      );
    }
    last = check.events[check.events.length - 1];
  }
  const events: TranscriptEvent[] = [];
  const lines: string[] = [text];
  for (const next of inputs) {
    let data = next.data;
    if (next.type === 'ceremony.finalized' && data.transcript_heads === undefined) {
      const log = await readTranscript(logDir);
      data = { ...data, transcript_heads: heads(log, next.actor) };
    }
    last = nextEvent(last, { ...next, data }, lastHash);
    const line = eventLine(last);
    lastHash = sha256Hex(line);
    events.push(last);
    lines.push(`${line}\n`);
  }
  const whole = lines.join('');
  writtenChains.delete(file);
  await writeFileAtomic(file, whole);
  writtenChains.set(file, { text: whole, last, lastHash });
  return events;
}

/** Result of `log verify` over one or more ceremonies. */
export interface TranscriptVerification {
  ok: boolean;
  logs: TranscriptLog[];
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The transcript folders under `dir`: itself when it holds *.jsonl, else ceremony-logs/<id>/. */
export async function findTranscriptDirs(dir: string): Promise<string[]> {
  if (!(await isDir(dir))) throw new CeremonyError('FILE_MISSING', `${dir}: no such folder`);
  if ((await readdir(dir)).some((n) => n.endsWith('.jsonl'))) return [dir];
  const logs = (await isDir(join(dir, 'ceremony-logs'))) ? join(dir, 'ceremony-logs') : dir;
  const found: string[] = [];
  for (const name of (await readdir(logs)).sort()) {
    const sub = join(logs, name);
    if ((await isDir(sub)) && (await readdir(sub)).some((n) => n.endsWith('.jsonl')))
      found.push(sub);
  }
  if (found.length === 0) {
    throw new CeremonyError('FILE_MISSING', `${dir}: no ceremony transcripts (*.jsonl) found`);
  }
  return found;
}

/** Checks every chain of every ceremony under `dir` (a ceremony-logs/<id> folder or a repo). */
export async function verifyTranscript(
  dir: string,
  base?: string,
): Promise<TranscriptVerification> {
  const logs: TranscriptLog[] = [];
  for (const d of await findTranscriptDirs(dir)) logs.push(await readTranscript(d, base));
  return { ok: logs.every((l) => l.problems.length === 0), logs };
}

/** Heads of a log's chains, for the summary. */
export function transcriptHeads(log: TranscriptLog): Map<string, ChainHead> {
  const out = new Map<string, ChainHead>();
  for (const a of log.actors) {
    const head = chainHead(a.events);
    if (head) out.set(a.actor, head);
  }
  return out;
}

/** Renders summary.md of a ceremony's transcript (refusing a broken one) and writes it. */
export async function writeSummary(logDir: string, plan?: Plan): Promise<string> {
  const log = await readTranscript(logDir);
  if (log.problems.length > 0) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${log.problems[0] ?? logDir}; the transcript is broken, no summary written (run tuf-ceremony log verify)`,
    );
  }
  const text = renderSummary(log.events, plan, {
    ceremonyId: basename(logDir),
    heads: transcriptHeads(log),
  });
  const path = join(logDir, 'summary.md');
  await writeFileAtomic(path, text);
  return path;
}
