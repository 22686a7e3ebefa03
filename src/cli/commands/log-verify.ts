import { basename, dirname, relative } from 'node:path';
import { verifyTranscript } from '../../repo/transcript-store.js';
import { boolFlag, EXIT, JSON_OPTION, type Command } from '../command.js';
import { optionalDirArgument } from '../positionals.js';
import { unrecordedSignatureProblems } from '../transcript-repair.js';

/** `tuf-ceremony log verify [DIR]`: checks every hash chain of the ceremony transcripts. */
export const logVerifyCommand: Command = {
  name: 'log verify',
  examples: [
    'tuf-ceremony log verify',
    'tuf-ceremony log verify ceremony-logs/2026-01-01-root-v1 --json',
  ],
  exitCodes: { 1: 'a hash chain is broken (each place is printed)' },
  summary: 'check the hash chains of ceremony transcripts (exit 1 and the place where one breaks)',
  usage: 'tuf-ceremony log verify [DIR]   (DIR: a ceremony repository or ceremony-logs/<id>)',
  options: { ...JSON_OPTION },
  positionals: true,
  async run(ctx, args) {
    const dir = optionalDirArgument(ctx, args, this.usage);
    const result = await verifyTranscript(dir, ctx.cwd);
    // A counted signature must have its event: look for the staging area of the repository.
    const root = basename(dirname(dir)) === 'ceremony-logs' ? dirname(dirname(dir)) : dir;
    const unrecorded = await unrecordedSignatureProblems(root);
    const ok = result.ok && unrecorded.length === 0;
    if (boolFlag(args, 'json')) {
      const logs = result.logs.map((log) => ({
        dir: relative(ctx.cwd, log.dir) || '.',
        intact: log.problems.length === 0,
        actors: log.actors.length,
        events: log.events.length,
        problems: log.problems,
      }));
      ctx.out(JSON.stringify({ intact: ok, logs, signatures_without_event: unrecorded }, null, 2));
      return ok ? EXIT.ok : EXIT.failed;
    }
    for (const problem of unrecorded) ctx.err(problem);
    for (const log of result.logs) {
      const shown = relative(ctx.cwd, log.dir) || '.';
      const events = log.events.length;
      if (log.problems.length === 0) {
        ctx.out(`intact: ${shown} (${log.actors.length} actor file(s), ${events} event(s))`);
        continue;
      }
      for (const problem of log.problems) ctx.err(problem);
      ctx.out(`BROKEN: ${shown} (${log.problems.length} problem(s))`);
    }
    if (unrecorded.length > 0) ctx.out(`BROKEN: ${unrecorded.length} signature(s) without event`);
    return ok ? EXIT.ok : EXIT.failed;
  },
};
