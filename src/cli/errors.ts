import { CancelledError, CeremonyError, type ErrorCode } from '../metadata/errors.js';
import { EXIT } from './command.js';

const USAGE_CODES = new Set<ErrorCode>(['USAGE']);

/** The single place errors become a one-line message and an exit code. */
export function exitCodeFor(err: unknown, printErr: (line: string) => void): number {
  if (err instanceof CancelledError) {
    printErr('cancelled; nothing was changed');
    return EXIT.cancelled;
  }
  if (err instanceof CeremonyError) {
    printErr(`error: ${oneLine(err.message)}`);
    return USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.failed;
  }
  const e = err as { code?: unknown; message?: unknown; path?: unknown };
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    // Operating-system errors (ENOENT, EACCES, ...) are the user's environment, not a bug.
    printErr(`error: ${oneLine(String(e.message))}`);
    return EXIT.failed;
  }
  printErr(`internal error: ${oneLine(String(e.message ?? err))}`);
  if (err instanceof Error && err.stack) printErr(err.stack);
  return EXIT.internal;
}

/** Longest error line printed: a last guard should a message ever carry a long untrusted value. */
const MAX_ERROR_LINE = 4096;

function oneLine(text: string): string {
  // C0/C1 controls and bidi overrides could rewrite the terminal or hide text: shown escaped.
  const line = text
    .replace(/\s*\n\s*/g, ' ')
    .replace(
      /\p{Cc}|[\u202a-\u202e\u2066-\u2069]/gu,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  return line.length > MAX_ERROR_LINE ? `${line.slice(0, MAX_ERROR_LINE)}…` : line;
}
