import { CeremonyError } from '../metadata/errors.js';
import type { Git } from './git.js';
import { rolesAndVersions, type RoleStatusView } from './status-view.js';

const ID = /^[A-Za-z0-9._-]+$/;

function checkName(kind: string, value: string): void {
  if (!ID.test(value) || value.startsWith('.') || value.endsWith('.lock') || value.includes('..')) {
    throw new CeremonyError('PUBLISH', `${kind} "${value}" cannot be part of a git branch name`);
  }
}

/** The branch a ceremony lives on: `ceremony/<id>`. */
export function ceremonyBranch(ceremonyId: string): string {
  checkName('ceremony id', ceremonyId);
  return `ceremony/${ceremonyId}`;
}

/** The branch one holder signs on, merged into the ceremony branch: `ceremony/<id>--<holder>`. */
export function holderBranch(ceremonyId: string, holder: string): string {
  checkName('holder', holder);
  return `${ceremonyBranch(ceremonyId)}--${holder}`;
}

/** What a ceremony commit records. */
export type CeremonyStep =
  | {
      kind: 'stage';
      ceremonyId: string;
      roles: Pick<RoleStatusView, 'name' | 'version' | 'sha256'>[];
    }
  | {
      kind: 'sign';
      ceremonyId: string;
      holder: string;
      roles: Pick<RoleStatusView, 'name' | 'version' | 'sha256'>[];
    }
  | {
      kind: 'finalize';
      ceremonyId: string;
      roles: Pick<RoleStatusView, 'name' | 'version' | 'sha256'>[];
    };

/** The commit message of a ceremony step: a subject naming roles and versions, hashes below. */
export function ceremonyCommitMessage(step: CeremonyStep): string {
  const what = rolesAndVersions(step);
  const subject =
    step.kind === 'stage'
      ? `ceremony ${step.ceremonyId}: stage ${what}`
      : step.kind === 'sign'
        ? `ceremony ${step.ceremonyId}: ${step.holder} signs ${what}`
        : `ceremony ${step.ceremonyId}: finalize ${what}`;
  const label = step.kind === 'finalize' ? 'signed bytes' : 'bytes to sign';
  const lines = step.roles.map((r) => `  ${r.name} v${r.version}: sha256 ${r.sha256}`);
  return [subject, '', `SHA-256 of the ${label}:`, ...lines].join('\n');
}

/** Stages `paths` and commits them with the step's message and a sign-off; returns the commit. */
export async function commitCeremonyStep(
  git: Git,
  step: CeremonyStep,
  paths: readonly string[],
): Promise<string> {
  await git.add(paths);
  return git.commit(ceremonyCommitMessage(step), { signoff: true });
}
