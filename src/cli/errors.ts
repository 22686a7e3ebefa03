import { CancelledError, CeremonyError, type ErrorCode } from '../metadata/errors.js';
import { printableCapped } from '../metadata/quote.js';
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
  // Control and bidi characters could rewrite the terminal or hide text: shown escaped.
  return printableCapped(text.replace(/\s*\n\s*/g, ' '), MAX_ERROR_LINE);
}
