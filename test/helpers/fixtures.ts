import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root (tests run from anywhere). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Sigstore's production metadata, read in place from ../shared (never copied into the project). */
export const SIGSTORE_FIXTURES = join(
  PROJECT_ROOT,
  '..',
  'shared',
  'fixtures',
  'sigstore-root-signing',
);

/** The published (tuf-on-ci) folder of the Sigstore fixtures. */
export const PUBLISHED = join(SIGSTORE_FIXTURES, 'published-2026-08-21');

/** The legacy (go-tuf) folder of the Sigstore fixtures. */
export const LEGACY = join(SIGSTORE_FIXTURES, 'legacy-go-tuf-2024-08-30');

/**
 * Whether the shared fixtures are present. Where ../shared is absent (a clone elsewhere) those
 * tests skip; test/global-setup.ts says so once, or fails the run when CI requires them.
 */
export const HAVE_FIXTURES = existsSync(PUBLISHED);

/** Reads a fixture file's bytes. */
export function fixtureBytes(folder: string, name: string): Uint8Array {
  return readFileSync(join(folder, name));
}
