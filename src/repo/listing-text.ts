import { manifestLineOf, type ManifestEntry } from '../ceremony/manifest.js';
import type { TargetFile } from '../metadata/model.js';

// The text of a listing file: one manifest line per target, sorted by path, in the layout
// `targets import` writes (so a listing is itself a valid manifest).

/** The folder of every role's listing (targets-listed/). */
export const LISTED_TARGETS_DIR = 'targets-listed';

/** A listing's text in chunks of about 1 MiB, sorted by path (nothing for an empty map). */
export function* listingText(targets: ReadonlyMap<string, TargetFile>): Generator<string> {
  const paths = [...targets.keys()].sort();
  let chunk = '';
  for (const path of paths) {
    const entry: ManifestEntry = { path, file: targets.get(path) as TargetFile };
    chunk += `${manifestLineOf(entry)}\n`;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
