import { join } from 'node:path';

/** Where each part of a ceremony repository lives (see docs/ceremony-plan.md). */
export interface CeremonyPaths {
  root: string;
  plan: string;
  keys: string;
  staged: string;
  stagedCeremony: string;
  signatures: string;
  repository: string;
  logs: string;
}

/** Paths of the ceremony repository at `root`. */
export function ceremonyPaths(root: string): CeremonyPaths {
  const staged = join(root, 'staged');
  return {
    root,
    plan: join(root, 'ceremony.yaml'),
    keys: join(root, 'keys'),
    staged,
    stagedCeremony: join(staged, 'ceremony.json'),
    signatures: join(staged, 'signatures'),
    repository: join(root, 'repository'),
    logs: join(root, 'ceremony-logs'),
  };
}

/** File name of a staged draft. */
export function draftFile(paths: CeremonyPaths, role: string): string {
  return join(paths.staged, `${role}.json`);
}

/** File name of a holder's signature file. */
export function holderSignatureFile(paths: CeremonyPaths, holder: string): string {
  return join(paths.signatures, `${holder}.json`);
}
