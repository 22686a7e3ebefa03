/**
 * Crash injection for recovery tests: when TUF_CEREMONY_CRASH_AT names this point (optionally
 * followed by `:` and a detail, such as the base name of the file being written), the process
 * kills itself with SIGKILL right here, as a power cut would.
 */
export function crashPoint(name: string, detail?: string): void {
  const at = process.env.TUF_CEREMONY_CRASH_AT;
  if (at === undefined) return;
  if (at === name || (detail !== undefined && at === `${name}:${detail}`)) {
    process.kill(process.pid, 'SIGKILL');
  }
}
