import type { CeremonyStatus } from '../ceremony/status.js';
import { CeremonyError } from '../metadata/errors.js';
import { classifyPullScope, type PullScope } from '../publish/pr-scope.js';
import type { Git } from '../publish/git.js';
import { readBaseTrust, checkPublishedRootsKept } from '../publish/base-trust.js';
import { checkPublishedFromBase } from './publish-check-published.js';
import { checkWorkflowsPinned } from './publish-check-workflows.js';
import { statusOf, type LoadedCeremony } from './ceremony-context.js';
import { unrecordedSignatureProblems } from './transcript-repair.js';
import { checkDraftsFollowPlan } from './drafts-follow-plan.js';

/** What `publish --check` found, as summary lines. */
export interface PublishCheckResult {
  scope: PullScope;
  lines: string[];
}

/** The ref a pull request is compared with: `--base`, else the PR's base branch on origin. */
export function checkBase(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flag !== undefined) return flag;
  const pr = env.GITHUB_BASE_REF?.trim();
  return `origin/${pr === undefined || pr === '' ? 'main' : pr}`;
}

function describeScope(scope: PullScope): string {
  if (scope.kind === 'signature') return `signatures of ${scope.holder}`;
  if (scope.kind === 'stage') return 'staged drafts';
  return scope.kind === 'other' ? 'several ceremony steps' : scope.kind;
}

/** Fails on a stored signature whose bytes hash matches its draft but which does not verify. */
function checkSignatures(status: CeremonyStatus, holderOf: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const role of status.roles) {
    // spec 5.3.4 / 5.4.2: a signature over the current bytes must verify with its key.
    const invalid = new Set(role.checks.flatMap((c) => c.result.invalid));
    if (invalid.size > 0) {
      const who = [...invalid].map((k) => holderOf.get(k) ?? `key ${k.slice(0, 8)}`);
      throw new CeremonyError(
        'SIGNATURE_INVALID',
        `staged/${role.role}.json: signature of ${who.join(', ')} does not verify over the staged bytes`,
      );
    }
    const valid = role.checks[0]?.result.signed.length ?? 0;
    const stale = role.stale.length > 0 ? `, ${role.stale.length} stale` : '';
    lines.push(`  ${role.role} v${role.version}: ${valid} valid signature(s)${stale}`);
  }
  return lines;
}

/**
 * `publish --check`: what CI runs on a ceremony pull request. The PR may change only the
 * ceremony's paths, staged drafts must follow from the plan, keys and target inputs, every stored
 * signature over current bytes must verify, and published metadata must pass the client
 * workflow from the latest root the base branch has published (never from the pull request's
 * own copy of it), and no root the base published may change.
 */
export async function publishCheck(
  git: Git,
  loaded: LoadedCeremony,
  base: string,
  now: number,
): Promise<PublishCheckResult> {
  const changes = await git.changedPaths(base, 'HEAD');
  const scope = classifyPullScope(changes);
  if (changes.length === 0) {
    throw new CeremonyError(
      'PUBLISH',
      `nothing changed since ${base}; a ceremony pull request changes ceremony files`,
    );
  }
  // The automation that will hold the online key is judged whatever the pull request changes.
  const workflows = await checkWorkflowsPinned(git, 'HEAD');
  // A ceremony branch merged whole carries several steps (kind 'other' with no unexpected
  // path); any path outside staged/, repository/, the target inputs and the transcripts fails.
  if (scope.kind === 'other' && scope.unexpected.length > 0) {
    throw new CeremonyError(
      'PUBLISH',
      `changed outside the ceremony's scope since ${base}: ${scope.unexpected.join(', ')}`,
    );
  }
  const lines = [
    `pull request scope: ${describeScope(scope)} (${changes.length} file(s))`,
    workflows,
  ];
  // The published trust is judged before anything the pull request computed from its own files.
  const trust = await readBaseTrust(git, base);
  checkPublishedRootsKept(trust, changes);
  if (loaded.staging !== undefined) {
    const status = statusOf(loaded);
    lines.push(`ceremony ${status.id}: ${status.ready ? 'every threshold met' : 'collecting'}`);
    lines.push(await checkDraftsFollowPlan(loaded));
    lines.push(...checkSignatures(status, loaded.holderOf));
    // Every stored signature must have its transcript event (docs/crash-consistency.md, rule 4).
    const unrecorded = await unrecordedSignatureProblems(loaded.paths.root);
    if (unrecorded.length > 0) {
      throw new CeremonyError(
        'PUBLISH',
        `${unrecorded[0] ?? ''}${unrecorded.length > 1 ? ` (and ${unrecorded.length - 1} more)` : ''}`,
      );
    }
  }
  if (changes.some((c) => c.path.startsWith('repository/'))) {
    lines.push(await checkPublishedFromBase(git, trust, changes, now));
  }
  return { scope, lines };
}
