/** Process exit codes shared by every command: the one table help, README and code use. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  attention: 3,
  expired: 4,
  internal: 70,
  cancelled: 130,
} as const;

/** One of the exit codes in EXIT. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means for every command (a command may give a more precise meaning). */
export const EXIT_MEANINGS: ReadonlyMap<ExitCode, string> = new Map<ExitCode, string>([
  [EXIT.ok, 'success'],
  [
    EXIT.failed,
    'failed or refused (verification, threshold, bad input: one line names the file and the rule)',
  ],
  [EXIT.usage, 'usage error (unknown command or flag, missing or malformed argument)'],
  [EXIT.attention, 'attention needed (e.g. a role inside its signing window)'],
  [EXIT.expired, 'expired (a published role is past its expiry)'],
  [EXIT.internal, 'internal error (a bug: please report it with the command line)'],
  [EXIT.cancelled, 'cancelled (Ctrl-C or "no" at a prompt); nothing was changed'],
]);

/** Codes every command can return; 3 and 4 only where a command declares them. */
export const COMMON_EXIT_CODES: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.failed,
  EXIT.usage,
  EXIT.internal,
  EXIT.cancelled,
];
