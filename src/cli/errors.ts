import { CancelledError, CeremonyError } from '../metadata/errors.js';
import { escapeTerminal, printableCapped } from '../metadata/terminal-text.js';
import { EXIT } from './exit-codes.js';
import { printable } from '../metadata/printable.js';
import { isSystemError, systemErrorMessage } from './fs-errors.js';

/** An error as the user sees it: exit code, machine-readable code, one line, the file if known. */
export interface ErrorReport {
  exit: number;
  /** A CeremonyError code, a system error code (ENOENT, ...), CANCELLED or INTERNAL. */
  code: string;
  message: string;
  file: string | null;
}

/** Longest error line printed: a last guard should a message ever carry a long untrusted value. */
const MAX_ERROR_LINE = 4096;

function oneLine(text: string): string {
  // Control, bidi and invisible characters could rewrite the terminal or hide text: escaped.
  return printableCapped(escapeTerminal(text.replace(/\s*\n\s*/g, ' ')), MAX_ERROR_LINE);
}

/** The single place errors become a one-line report and an exit code. */
export function errorReport(err: unknown): ErrorReport {
  if (err instanceof CancelledError) {
    return {
      exit: EXIT.cancelled,
      code: 'CANCELLED',
      message: 'cancelled; nothing was changed',
      file: null,
    };
  }
  if (err instanceof CeremonyError) {
    return {
      exit: err.code === 'USAGE' ? EXIT.usage : EXIT.failed,
      code: err.code,
      message: oneLine(err.message),
      file: err.file ?? null,
    };
  }
  if (isSystemError(err)) {
    // Operating-system errors (ENOENT, EACCES, ...) are the user's environment, not a bug.
    return {
      exit: EXIT.failed,
      code: err.code,
      message: systemErrorMessage(err),
      file: err.path === undefined ? null : printable(err.path),
    };
  }
  const message = (err as { message?: unknown } | null)?.message;
  return {
    exit: EXIT.internal,
    code: 'INTERNAL',
    message: oneLine(String(message ?? err)),
    file: null,
  };
}

/** Prints the error (as `{"error": ...}` on stdout in --json mode) and returns its exit code. */
export function exitCodeFor(
  err: unknown,
  printErr: (line: string) => void,
  printJson?: (text: string) => void,
): number {
  const report = errorReport(err);
  if (printJson !== undefined) {
    const error = { code: report.code, message: report.message, file: report.file };
    printJson(JSON.stringify({ error }, null, 2));
    if (report.code === 'INTERNAL' && err instanceof Error && err.stack) printErr(err.stack);
    return report.exit;
  }
  if (report.code === 'CANCELLED') printErr(report.message);
  else if (report.code === 'INTERNAL') {
    printErr(`internal error: ${report.message}`);
    if (err instanceof Error && err.stack) printErr(err.stack);
  } else printErr(`error: ${report.message}`);
  return report.exit;
}
