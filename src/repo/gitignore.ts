import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

const MARKER =
  '# tuf-ceremony: key material, core dumps and temporary files never enter the trust root';

/** The lines `init` puts in a ceremony repository's .gitignore. */
export const CEREMONY_GITIGNORE = [
  MARKER,
  '# private keys (encrypted or not) and key stores',
  '*.key',
  '*.key.pem',
  '*-key.pem',
  '*_key.pem',
  '*private*.pem',
  '*.p12',
  '*.pfx',
  '# core dumps, which can hold a decrypted key',
  'core',
  'core.*',
  '*.core',
  '# temporary and editor files (atomic writes use .NAME.RANDOM.tmp)',
  '*.tmp',
  '*.swp',
  '*~',
  '.#*',
  '.DS_Store',
  '# target inputs are published whatever their names',
  '!/targets/**',
  '!/delegated-targets/**',
  '',
].join('\n');

/**
 * Writes the ceremony's ignore rules into `dir/.gitignore` (created, or appended to a file that
 * does not have them yet). Returns whether the file changed.
 */
export async function writeCeremonyGitignore(dir: string): Promise<boolean> {
  const file = join(dir, '.gitignore');
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  if (existing.includes(MARKER)) return false;
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(
    file,
    `${existing}${separator}${existing === '' ? '' : '\n'}${CEREMONY_GITIGNORE}`,
  );
  return true;
}
