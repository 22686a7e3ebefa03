import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

// Core dumps off while secrets are in memory (docs/core-dumps.md). An abort at a passphrase
// prompt once wrote a 1.2 GB core holding a passphrase ten times. Node has no setrlimit or
// prctl, and the native bindings on npm add a compiled dependency to a tool that key holders
// install on offline machines, so two unprivileged Linux mechanisms are used instead:
// - /proc/self/coredump_filter = 0 (core(5)): a core, if one is written, holds no anonymous or
//   file-backed memory (no heap, so no secret); a plain file write, always available on Linux;
// - RLIMIT_CORE = 0 (getrlimit(2)) set on this very process by prlimit(1) from util-linux,
//   soft and hard, so no core file is written at all and nothing below can raise it again.
// PR_SET_DUMPABLE=0 (prctl(2)) would also close ptrace and /proc/<pid>/mem to other processes of
// the same user; it needs a native call and is left out (see docs/core-dumps.md).

/** What was switched off; `missing` lists the mechanisms that were not available. */
export interface CoreDumpGuard {
  coredumpFilter: boolean;
  rlimitCore: boolean;
  missing: string[];
}

let applied: CoreDumpGuard | undefined;

/** Turns core dumps off for the rest of this process (once; later calls return the result). */
export function disableCoreDumps(): CoreDumpGuard {
  if (applied) return applied;
  const guard: CoreDumpGuard = { coredumpFilter: false, rlimitCore: false, missing: [] };
  if (process.platform === 'linux') {
    try {
      writeFileSync('/proc/self/coredump_filter', '0');
      guard.coredumpFilter = true;
    } catch {
      guard.missing.push('/proc/self/coredump_filter');
    }
    try {
      execFileSync('prlimit', [`--pid=${process.pid}`, '--core=0:0'], {
        stdio: 'ignore',
        timeout: 10_000,
      });
      guard.rlimitCore = true;
    } catch {
      guard.missing.push('prlimit (util-linux)');
    }
  } else {
    guard.missing.push(`core dump controls on ${process.platform}`);
  }
  applied = guard;
  return guard;
}

/** A one-line warning when core dumps could not be fully switched off, else undefined. */
export function coreDumpWarning(guard: CoreDumpGuard): string | undefined {
  if (guard.rlimitCore) return undefined;
  return `warning: could not switch core dumps off (${guard.missing.join(', ')} unavailable); run "ulimit -c 0" in this shell before handling secrets (docs/core-dumps.md)`;
}
