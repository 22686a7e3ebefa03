import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAVE_FIXTURES, SIGSTORE_FIXTURES } from './helpers/fixtures.js';
import { HAVE_SOFTHSM } from './helpers/softhsm.js';

// Runs once per test run (vitest globalSetup): says once, not in every test file, which
// optional parts are absent, and fails the run where CI requires them
// (TUF_CEREMONY_REQUIRE_FIXTURES=1, TUF_CEREMONY_REQUIRE_SOFTHSM=1).

/**
 * Checks the optional test inputs before any test file runs, and gives the run its own folder
 * of holder-local key references and its own cache folder, so tests never write into the user's
 * configuration or cache.
 */
export default function setup(): () => void {
  const keyRefs = mkdtempSync(join(tmpdir(), 'tuf-ceremony-test-key-refs-'));
  process.env.TUF_CEREMONY_KEY_REFS = keyRefs;
  const toolCache = mkdtempSync(join(tmpdir(), 'tuf-ceremony-test-cache-'));
  process.env.TUF_CEREMONY_CACHE = toolCache;
  const missing: string[] = [];
  if (!HAVE_FIXTURES) {
    if (process.env.TUF_CEREMONY_REQUIRE_FIXTURES === '1') {
      throw new Error(`Sigstore fixtures are required but missing at ${SIGSTORE_FIXTURES}`);
    }
    missing.push(
      `Sigstore fixtures not found at ${SIGSTORE_FIXTURES}: the tests that read them are skipped.`,
    );
  }
  if (!HAVE_SOFTHSM) {
    if (process.env.TUF_CEREMONY_REQUIRE_SOFTHSM === '1') {
      throw new Error('SoftHSM2 is required (TUF_CEREMONY_REQUIRE_SOFTHSM=1) but was not found');
    }
    missing.push(
      'SoftHSM2 not found: the hardware-key (PKCS#11) tests are skipped. Install it (apt-get install softhsm2) to run them.',
    );
  }
  for (const line of missing) console.warn(line);
  return () => {
    rmSync(keyRefs, { recursive: true, force: true });
    rmSync(toolCache, { recursive: true, force: true });
  };
}
