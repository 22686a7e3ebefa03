import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Plan } from '../../ceremony/plan.js';
import { parsePlan } from '../../ceremony/plan-yaml.js';
import { renderSummary } from '../../ceremony/transcript-summary.js';
import { CeremonyError, isCeremonyError } from '../../metadata/errors.js';
import {
  findTranscriptDirs,
  readTranscript,
  transcriptHeads,
  writeSummary,
  type TranscriptLog,
} from '../../repo/transcript-store.js';
import { summaryHtml, type HashPicture } from '../../present/summary-html.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { boolFlag, stringFlag, type Command, type CommandContext } from '../command.js';
import { optionalDirArgument } from '../positionals.js';

/** The plan of the repository holding ceremony-logs/<id>, when there is one that parses. */
async function planNear(ctx: CommandContext, logDir: string): Promise<Plan | undefined> {
  const file = join(dirname(dirname(logDir)), 'ceremony.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parsePlan(text, relative(ctx.cwd, file) || file);
  } catch (err) {
    if (!isCeremonyError(err)) throw err;
    ctx.err(`warning: ${err.message} (summary written without the plan)`);
    return undefined;
  }
}

/** The HTML page of a transcript: the Markdown summary's content and a picture per signed hash. */
function summaryPage(log: TranscriptLog, plan: Plan | undefined): string {
  const id = basename(log.dir);
  const markdown = renderSummary(log.events, plan, { ceremonyId: id, heads: transcriptHeads(log) });
  const pictures = new Map<string, HashPicture>();
  for (const e of log.events) {
    const sha = e.data.sha256;
    if (!['role.staged', 'role.restaged', 'role.refreshed'].includes(e.type)) continue;
    if (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha)) continue;
    const role = typeof e.data.role === 'string' ? e.data.role : 'metadata';
    const version = typeof e.data.version === 'number' ? ` v${e.data.version}` : '';
    pictures.set(sha, { label: `${role}${version}`, sha256: sha });
  }
  return summaryHtml(`Ceremony ${id}`, markdown, [...pictures.values()]);
}

/** The log to summarize: `--ceremony ID`, the only one, or the one with the latest event. */
async function pickLog(dir: string, id: string | undefined): Promise<TranscriptLog> {
  const dirs = await findTranscriptDirs(dir);
  const chosen = id === undefined ? dirs : dirs.filter((d) => basename(d) === id);
  if (chosen.length === 0) {
    throw new CeremonyError(
      'USAGE',
      `no ceremony "${id ?? ''}" under ${dir} (ceremonies: ${dirs.map((d) => basename(d)).join(', ')})`,
    );
  }
  const logs = await Promise.all(chosen.map((d) => readTranscript(d)));
  const latest = (l: TranscriptLog): string => l.events.at(-1)?.time ?? '';
  return logs.reduce((a, b) => (latest(b) > latest(a) ? b : a));
}

/** `tuf-ceremony log summary [DIR]`: the Markdown summary of a ceremony transcript. */
export const logSummaryCommand: Command = {
  name: 'log summary',
  examples: [
    'tuf-ceremony log summary',
    'tuf-ceremony log summary --ceremony 2026-01-01-root-v1 --write',
  ],
  summary:
    'print the Markdown summary of a ceremony transcript (--html: a self-contained page; --write: into its folder)',
  usage: 'tuf-ceremony log summary [DIR] [--ceremony ID] [--write] [--html]',
  options: {
    ceremony: {
      type: 'string',
      valueName: 'ID',
      description:
        'the ceremony to summarize (default: the only one, or the one with the latest event)',
    },
    write: {
      type: 'boolean',
      description:
        'write the summary into ceremony-logs/ID/summary.md (with --html: summary.html) instead of printing it',
    },
    html: {
      type: 'boolean',
      description:
        'a self-contained HTML page instead: the summary with the fingerprint and QR code of every signed hash',
    },
  },
  positionals: true,
  async run(ctx, args) {
    const dir = optionalDirArgument(ctx, args, this.usage);
    const log = await pickLog(dir, stringFlag(args, 'ceremony'));
    if (log.problems.length > 0) {
      for (const problem of log.problems) ctx.err(problem);
      throw new CeremonyError(
        'STATE_INVALID',
        `${relative(ctx.cwd, log.dir) || log.dir}: the transcript is broken; no summary (see tuf-ceremony log verify)`,
      );
    }
    const plan = await planNear(ctx, log.dir);
    if (boolFlag(args, 'html')) {
      const page = summaryPage(log, plan);
      if (!boolFlag(args, 'write')) {
        ctx.out(page.trimEnd());
        return 0;
      }
      const path = join(log.dir, 'summary.html');
      await writeFileAtomic(path, page);
      ctx.out(`wrote ${relative(ctx.cwd, path) || path}`);
      return 0;
    }
    if (boolFlag(args, 'write')) {
      const path = await writeSummary(log.dir, plan);
      ctx.out(`wrote ${relative(ctx.cwd, path) || path}`);
      return 0;
    }
    const heads = transcriptHeads(log);
    ctx.out(renderSummary(log.events, plan, { ceremonyId: basename(log.dir), heads }).trimEnd());
    return 0;
  },
};
