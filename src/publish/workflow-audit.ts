import { parse } from 'yaml';
import { isJsonObject } from '../metadata/json.js';
import { EXACT_VERSION } from './workflow-tool.js';

/** What a workflow's pins are judged against: whether the repository's lockfile pins the tool. */
export interface WorkflowAuditContext {
  /** package-lock.json pins tuf-ceremony to an exact version with an integrity hash. */
  lockfilePinsTool: boolean;
}

/** `owner/repo[/path]@<40-hex commit>`: an action by commit, not by a movable tag or branch. */
const ACTION_BY_COMMIT = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]*)?@[0-9a-f]{40}$/;
/** A container action by image digest. */
const DOCKER_BY_DIGEST = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const RUNNERS = new Set(['npx', 'npm', 'pnpm', 'pnpx', 'yarn', 'bunx']);
const TOOL = /^tuf-ceremony(@.*)?$/;

function isPinnedUses(uses: string): boolean {
  return uses.startsWith('./') || ACTION_BY_COMMIT.test(uses) || DOCKER_BY_DIGEST.test(uses);
}

/** Why one `run:` line runs tuf-ceremony unpinned, or undefined when it does not. */
function unpinnedTool(line: string, installsFromLock: boolean): string | undefined {
  const words = line.split(/[\s;&|()]+/).map((w) => w.replace(/^['"]|['"]$/g, ''));
  if (!words.some((w) => RUNNERS.has(w))) return undefined;
  for (const word of words) {
    const tool = TOOL.exec(word);
    if (tool === null) continue;
    const version = tool[1]?.slice(1);
    if (version !== undefined && EXACT_VERSION.test(version)) continue;
    // A bare name is pinned only when it can come from nothing but the committed lockfile.
    const localOnly = words.includes('--no-install') || words.includes('--offline');
    if (version === undefined && localOnly && installsFromLock) continue;
    return word;
  }
  return undefined;
}

function stepsOf(job: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(job.steps) ? job.steps.filter(isJsonObject) : [];
}

/**
 * Problems of one GitHub Actions workflow, one line each: an action referenced by tag or branch
 * instead of a full commit SHA, or tuf-ceremony run without an exact version (`npx tuf-ceremony`,
 * `tuf-ceremony@latest`, `@^1`): whoever controls the tag or the registry would otherwise choose
 * the code that holds the online key.
 */
export function auditWorkflow(text: string, file: string, ctx: WorkflowAuditContext): string[] {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return [`${file}: is not valid YAML`];
  }
  if (!isJsonObject(doc) || !isJsonObject(doc.jobs)) return [];
  const problems: string[] = [];
  for (const [name, job] of Object.entries(doc.jobs)) {
    if (!isJsonObject(job)) continue;
    const where = `${file}: job ${JSON.stringify(name)}`;
    if (typeof job.uses === 'string' && !isPinnedUses(job.uses)) {
      problems.push(`${where} uses ${JSON.stringify(job.uses)}, not a full commit SHA`);
    }
    const steps = stepsOf(job);
    const installsFromLock =
      ctx.lockfilePinsTool &&
      steps.some((s) => typeof s.run === 'string' && /(^|\s)npm\s+ci(\s|$)/m.test(s.run));
    for (const step of steps) {
      if (typeof step.uses === 'string' && !isPinnedUses(step.uses)) {
        problems.push(`${where} uses ${JSON.stringify(step.uses)}, not a full commit SHA`);
      }
      if (typeof step.run !== 'string') continue;
      for (const line of step.run.split('\n')) {
        const word = unpinnedTool(line, installsFromLock);
        if (word !== undefined) {
          problems.push(
            `${where} runs ${JSON.stringify(word)} unpinned; use the exact tuf-ceremony@X.Y.Z or npm ci from a committed package-lock.json`,
          );
          break;
        }
      }
    }
  }
  return problems;
}

/** Whether a package-lock.json pins tuf-ceremony to an exact version with an integrity hash. */
export function lockfilePinsTool(text: string | undefined): boolean {
  if (text === undefined) return false;
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isJsonObject(lock) || !isJsonObject(lock.packages)) return false;
  const entry = lock.packages['node_modules/tuf-ceremony'];
  return (
    isJsonObject(entry) &&
    typeof entry.version === 'string' &&
    EXACT_VERSION.test(entry.version) &&
    typeof entry.integrity === 'string' &&
    /^sha512-/.test(entry.integrity)
  );
}
