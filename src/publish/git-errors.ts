import { CeremonyError } from '../metadata/errors.js';

/** Hides credentials that git may echo back from a remote URL (`https://user:token@host`). */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/**
 * Picks the one line of git's stderr that says what went wrong: the first `fatal:` or `error:`
 * line, else the first non-hint line, with credentials in URLs redacted.
 */
export function summarizeGitStderr(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const key =
    lines.find((l) => /^(fatal|error):/i.test(l)) ??
    lines.find((l) => l.startsWith('CONFLICT')) ??
    lines.find((l) => !/^(hint|warning):/i.test(l) && !l.startsWith('To ')) ??
    lines[0] ??
    'no message';
  const rejected = lines.find(
    (l) => l.startsWith('! [rejected]') || l.startsWith('! [remote rejected]'),
  );
  const detail = rejected !== undefined && !key.includes('rejected') ? `${key} (${rejected})` : key;
  return redactUrls(detail.replace(/^(fatal|error):\s*/i, ''));
}

/** The error thrown when a git command fails: one line naming the command and git's reason. */
export function gitError(args: readonly string[], stderr: string, cause?: unknown): CeremonyError {
  const shown = args.filter((a) => !a.startsWith('-c') && a.length < 80).slice(0, 4);
  const command = redactUrls(['git', ...shown].join(' '));
  return new CeremonyError('PUBLISH', `${command} failed: ${summarizeGitStderr(stderr)}`, {
    cause,
  });
}
