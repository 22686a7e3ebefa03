import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from '../ceremony/plan.js';
import type { EventType } from '../ceremony/transcript.js';
import type { JsonObject } from '../metadata/json.js';
import { formatExpiry } from '../metadata/time.js';
import type { CeremonyPaths } from '../repo/ceremony-paths.js';
import {
  appendEvent,
  appendEvents,
  ceremonyLogDir,
  holdsFinalized,
  readTranscript,
  writeSummary as writeSummaryFile,
} from '../repo/transcript-store.js';

// A ceremony's transcript lives in ceremony-logs/<id>/ from its first event (usually a key
// enrollment) to `ceremony.finalized`. The open ceremony is derived from the files: the newest
// folder whose transcript has no finalized event.

/** Transcript folders of online refreshes (`online-YYYY-MM`): never an open ceremony. */
export const ONLINE_LOG_PREFIX = 'online-';

async function listLogDirs(paths: CeremonyPaths): Promise<string[]> {
  try {
    const entries = await readdir(paths.logs, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith(ONLINE_LOG_PREFIX))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * The id of the ceremony in progress (the newest, unless it was finalized), or a new one named
 * after today's date. Only the newest transcript is read: ceremonies follow one another, so one
 * older than a finalized ceremony is never in progress (and a repository's history of
 * ceremonies costs nothing here).
 */
export async function openCeremonyId(paths: CeremonyPaths, now: number): Promise<string> {
  const names = await listLogDirs(paths);
  const newest = names.at(-1);
  if (newest !== undefined) {
    if (!(await holdsFinalized(join(paths.logs, newest)))) return newest;
  }
  const date = formatExpiry(now).slice(0, 10);
  let id = date;
  for (let n = 2; names.includes(id); n++) id = `${date}-${n}`;
  return id;
}

/** Appends an event to the actor's chain in the given (or the open) ceremony's transcript. */
export async function recordEvent(
  paths: CeremonyPaths,
  actor: string,
  now: number,
  type: EventType,
  ceremonyId: string | undefined,
  data: JsonObject,
): Promise<void> {
  const id = ceremonyId ?? (await openCeremonyId(paths, now));
  await appendEvent(ceremonyLogDir(paths.root, id), { actor, type, time: now, data });
}

/** Appends events of one actor, in order, in one write (linear in their number). */
export async function recordEvents(
  paths: CeremonyPaths,
  actor: string,
  now: number,
  ceremonyId: string,
  events: readonly { type: EventType; data: JsonObject }[],
): Promise<void> {
  await appendEvents(
    ceremonyLogDir(paths.root, ceremonyId),
    events.map((e) => ({ actor, type: e.type, time: now, data: e.data })),
  );
}

/** Writes ceremony-logs/<id>/summary.md from the transcript. */
export async function writeSummary(
  paths: CeremonyPaths,
  ceremonyId: string,
  plan: Plan,
): Promise<void> {
  // The summary names the plan relative to the repository, so it reads the same in every clone.
  await writeSummaryFile(ceremonyLogDir(paths.root, ceremonyId), {
    ...plan,
    file: 'ceremony.yaml',
  });
}

/** True when the ceremony's transcript already holds its `ceremony.finalized` event. */
export async function isFinalized(paths: CeremonyPaths, ceremonyId: string): Promise<boolean> {
  const names = await listLogDirs(paths);
  if (!names.includes(ceremonyId)) return false;
  return holdsFinalized(join(paths.logs, ceremonyId));
}

/** The newest ceremony, when its transcript ends it with `ceremony.finalized`. */
export async function lastFinalizedCeremony(paths: CeremonyPaths): Promise<string | undefined> {
  const newest = (await listLogDirs(paths)).at(-1);
  return newest !== undefined && (await isFinalized(paths, newest)) ? newest : undefined;
}

/** True when the open ceremony's transcript holds an event of `type` whose data matches. */
export async function openCeremonyHasEvent(
  paths: CeremonyPaths,
  now: number,
  type: EventType,
  matches: (data: JsonObject) => boolean,
): Promise<boolean> {
  const id = await openCeremonyId(paths, now);
  if (!(await listLogDirs(paths)).includes(id)) return false;
  const log = await readTranscript(join(paths.logs, id));
  return log.events.some((e) => e.type === type && matches(e.data));
}
