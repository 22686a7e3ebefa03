import { CancelledError, CeremonyError, type ErrorCode } from '../metadata/errors.js';
import { EXIT } from './command.js';
import { escapeTerminal } from '../metadata/terminal-text.js';

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

/** One line, with anything a terminal would interpret (from metadata, paths) escaped. */
function oneLine(text: string): string {
  return escapeTerminal(text.replace(/\s*\n\s*/g, ' '));
}
