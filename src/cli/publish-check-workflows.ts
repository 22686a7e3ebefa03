import { CeremonyError } from '../metadata/errors.js';
import type { Git } from '../publish/git.js';
import { auditWorkflow, lockfilePinsTool } from '../publish/workflow-audit.js';

const WORKFLOWS = '.github/workflows';
/** Workflow files and lockfiles larger than this are refused, not parsed. */
const MAX_FILE = 1024 * 1024;
/** At most this many workflow files are read. */
const MAX_WORKFLOWS = 200;

/**
 * Fails when a workflow of the commit under check references an action by tag or branch, or runs
 * tuf-ceremony without an exact version (from the lockfile or `tuf-ceremony@X.Y.Z`).
 */
export async function checkWorkflowsPinned(git: Git, ref: string): Promise<string> {
  const names = (await git.listFiles(ref, WORKFLOWS)).filter((n) => /\.ya?ml$/.test(n));
  if (names.length === 0) return 'workflows: none';
  if (names.length > MAX_WORKFLOWS) {
    throw new CeremonyError('PUBLISH', `${WORKFLOWS}: more than ${MAX_WORKFLOWS} workflows`);
  }
  const lock = await git.readBlob(ref, 'package-lock.json', 32 * MAX_FILE);
  const ctx = {
    lockfilePinsTool: lockfilePinsTool(lock && Buffer.from(lock).toString('utf8')),
  };
  const problems: string[] = [];
  for (const name of names) {
    const file = `${WORKFLOWS}/${name}`;
    const bytes = await git.readBlob(ref, file, MAX_FILE);
    if (bytes === undefined) continue;
    problems.push(...auditWorkflow(Buffer.from(bytes).toString('utf8'), file, ctx));
  }
  const [first] = problems;
  if (first !== undefined) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new CeremonyError('PUBLISH', `${first}${more}`);
  }
  return `workflows: ${names.length} file(s), every action by commit, tuf-ceremony pinned`;
}
