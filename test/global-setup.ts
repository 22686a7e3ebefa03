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
 * configuration or cache. Every temporary folder of the run (tests, the CLIs they start, git,
 * SoftHSM2 tokens, the browser) is made under one run folder, `TMPDIR` for the test processes,
 * removed when the run ends (kept with TUF_CEREMONY_KEEP_TEST_TMP=1, to look into a failure).
 */
export default function setup(): () => void {
  const run = mkdtempSync(join(tmpdir(), 'tuf-ceremony-test-run-'));
  // Test files run in forked workers, which take the environment as it is when they start.
  process.env.TMPDIR = run;
  const keyRefs = mkdtempSync(join(run, 'key-refs-'));
  process.env.TUF_CEREMONY_KEY_REFS = keyRefs;
  const toolCache = mkdtempSync(join(run, 'cache-'));
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
    if (process.env.TUF_CEREMONY_KEEP_TEST_TMP === '1') console.warn(`test files kept in ${run}`);
    else rmSync(run, { recursive: true, force: true });
  };
}
