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

/** The id of the ceremony in progress, or a new one named after today's date. */
export async function openCeremonyId(paths: CeremonyPaths, now: number): Promise<string> {
  const names = await listLogDirs(paths);
  for (const name of [...names].reverse()) {
    const log = await readTranscript(join(paths.logs, name));
    if (!log.events.some((e) => e.type === 'ceremony.finalized')) return name;
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
