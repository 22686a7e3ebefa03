// A reader that goes away (`tuf-ceremony verify ... | head -1`) closes stdout: the next write
// fails with EPIPE. Node would throw it as an unhandled 'error' event, a stack trace in the
// middle of the work. Instead the output is dropped from then on and the command finishes what
// it started, so the work is either all done or (if it had not begun) not started at all.

let closed = false;

/** True once stdout's reader has gone away. */
export function stdoutClosed(): boolean {
  return closed;
}

/** Handles EPIPE (and other write errors) on stdout and stderr quietly, for the whole process. */
export function guardOutputPipes(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    closed = true;
    if (err.code !== 'EPIPE') process.exitCode ??= 1;
  });
  // Nothing sensible can be reported when stderr itself fails; the exit code still tells.
  process.stderr.on('error', () => undefined);
}
