import type { ChangedPath } from './git.js';

/** What a ceremony pull request does, judged only by the paths it changes. */
export type PullScope =
  /** One holder adds or replaces their own signatures (and their transcript). */
  | { kind: 'signature'; holder: string }
  /**
   * The coordinator stages drafts (staged/**, transcripts, and what the drafts
   * are computed from: ceremony.yaml, keys/**, targets/**, delegated-targets/**,
   * targets-custom.json; `publish --check` proves the drafts follow from them).
   */
  | { kind: 'stage' }
  /** Finalize: published metadata written, staging area removed, transcripts and summary. */
  | { kind: 'finalize' }
  /** Anything else, with the paths that do not fit any ceremony step. */
  | { kind: 'other'; unexpected: string[] };

const SIGNATURE = /^staged\/signatures\/([A-Za-z0-9._-]+)\.json$/;
const TRANSCRIPT = /^ceremony-logs\/[A-Za-z0-9._-]+\/([A-Za-z0-9._-]+)\.jsonl$/;
const SUMMARY = /^ceremony-logs\/[A-Za-z0-9._-]+\/summary\.md$/;
/** Target inputs: top-level (targets/), delegated (delegated-targets/<role>/), custom metadata. */
const TARGET_INPUT = /^(?:targets\/|delegated-targets\/[A-Za-z0-9._-]+\/|targets-custom\.json$)/;
/** The plan and enrolled keys, which a stage carries beside the drafts computed from them. */
const PLAN_INPUT = /^(?:ceremony\.yaml$|keys\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\.json$)/;

function signatureScope(changes: readonly ChangedPath[]): PullScope | undefined {
  const holders = new Set<string>();
  let signatureFile = false;
  for (const c of changes) {
    const sig = SIGNATURE.exec(c.path);
    const log = TRANSCRIPT.exec(c.path);
    // A holder adds or updates their own file; deleting a signature is not signing.
    if (sig?.[1] !== undefined && c.status !== 'D') {
      holders.add(sig[1]);
      signatureFile = true;
    } else if (log?.[1] !== undefined && log[1] !== 'coordinator' && c.status !== 'D') {
      holders.add(log[1]);
    } else {
      return undefined;
    }
  }
  const [holder] = holders;
  return signatureFile && holders.size === 1 && holder !== undefined
    ? { kind: 'signature', holder }
    : undefined;
}

/**
 * Classifies a pull request by its changed paths. A signing PR may touch only one holder's
 * signature file and transcript: a PR that also edits a draft would change the bytes other
 * holders reviewed, so it is never classified as a signature.
 */
export function classifyPullScope(changes: readonly ChangedPath[]): PullScope {
  if (changes.length === 0) return { kind: 'other', unexpected: [] };
  const signature = signatureScope(changes);
  if (signature !== undefined) return signature;
  const coordinatorLog = (p: string) => TRANSCRIPT.exec(p)?.[1] === 'coordinator';
  const stage = changes.every(
    (c) =>
      (c.path.startsWith('staged/') && !SIGNATURE.test(c.path)) ||
      TARGET_INPUT.test(c.path) ||
      (PLAN_INPUT.test(c.path) && c.status !== 'D') ||
      // Transcripts: the coordinator's, and holders' key enrollments for this ceremony.
      (TRANSCRIPT.test(c.path) && c.status !== 'D'),
  );
  if (stage && changes.some((c) => !TRANSCRIPT.test(c.path) || coordinatorLog(c.path)))
    return { kind: 'stage' };
  const finalize = changes.every(
    (c) =>
      (c.path.startsWith('repository/') && c.status !== 'D') ||
      (c.path.startsWith('staged/') && c.status === 'D') ||
      ((TRANSCRIPT.test(c.path) || SUMMARY.test(c.path)) && c.status !== 'D'),
  );
  if (finalize && changes.some((c) => c.path.startsWith('repository/'))) {
    return { kind: 'finalize' };
  }
  const fits = (c: ChangedPath) =>
    c.path.startsWith('staged/') ||
    c.path.startsWith('repository/') ||
    TARGET_INPUT.test(c.path) ||
    (PLAN_INPUT.test(c.path) && c.status !== 'D') ||
    TRANSCRIPT.test(c.path) ||
    SUMMARY.test(c.path);
  return { kind: 'other', unexpected: changes.filter((c) => !fits(c)).map((c) => c.path) };
}
