import type { CeremonyPaths } from '../repo/ceremony-paths.js';

/** Appends an event to the actor's transcript chain. */
export async function recordEvent(
  _paths: CeremonyPaths,
  _actor: string,
  _now: number,
  _type: string,
  _ceremonyId: string | undefined,
  _data: Record<string, unknown>,
): Promise<void> {
  await Promise.resolve();
}

/** Writes the ceremony's Markdown summary. */
export async function writeSummary(_paths: CeremonyPaths, _ceremonyId: string): Promise<void> {
  await Promise.resolve();
}
