/**
 * Crash injection for recovery tests: when TUF_CEREMONY_CRASH_AT names this point, the process
 * kills itself with SIGKILL right here, as a power cut would.
 */
export function crashPoint(name: string): void {
  if (process.env.TUF_CEREMONY_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
