import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  DEFAULT_LIMITS,
  verifyRepository,
  type MetadataSource,
  type PreviousMetadata,
  type VerifyReport,
} from '../../metadata/client/index.js';
import { CeremonyError } from '../../metadata/errors.js';
import { formatExpiry, parseTime } from '../../metadata/time.js';
import { readLimited, DirectorySource } from '../../repo/source-directory.js';
import { HttpSource } from '../../repo/source-http.js';
import { parseByteSize } from '../byte-size.js';
import { boolFlag, EXIT, stringFlag, stringList, type Command, JSON_OPTION } from '../command.js';
import { startProgress, type Progress } from '../progress.js';
import { escapeTerminal } from '../../metadata/terminal-text.js';

const USAGE =
  'tuf-ceremony verify --root <trusted root.json> [--at <RFC 3339 time>] [--target <path>]... ' +
  '[--previous <dir>] [--max-metadata-size <size>] [--allow-cross-origin-redirects] [--json] ' +
  '<repository dir or http(s) URL>';

function usage(message: string): CeremonyError {
  return new CeremonyError('USAGE', `${message} (usage: ${USAGE})`);
}

async function openSource(
  location: string,
  cwd: string,
  allowCrossOriginRedirects: boolean,
): Promise<MetadataSource> {
  if (/^https?:\/\//i.test(location)) {
    try {
      return new HttpSource(location, { allowCrossOriginRedirects });
    } catch (err) {
      throw usage(`${location}: ${(err as Error).message}`);
    }
  }
  const dir = resolve(cwd, location);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw usage(`${location} is not a directory or an http(s) URL`);
  return new DirectorySource(dir);
}

async function readRequired(file: string, what: string): Promise<Uint8Array> {
  const bytes = await readLimited(file, DEFAULT_LIMITS.root).catch((err: unknown) => {
    throw usage(`${what} ${file}: ${(err as Error).message}`);
  });
  if (bytes === undefined) throw usage(`${what} ${file} does not exist`);
  return bytes;
}

async function readPrevious(dir: string): Promise<PreviousMetadata> {
  const previous: PreviousMetadata = {};
  const timestamp = await readLimited(resolve(dir, 'timestamp.json'), DEFAULT_LIMITS.timestamp);
  const snapshot = await readLimited(resolve(dir, 'snapshot.json'), DEFAULT_LIMITS.metadata);
  if (timestamp === undefined && snapshot === undefined) {
    throw usage(`--previous ${dir} holds neither timestamp.json nor snapshot.json`);
  }
  if (timestamp) previous.timestamp = timestamp;
  if (snapshot) previous.snapshot = snapshot;
  return previous;
}

/** Human summary of a verification, one line per fact. */
export function renderReport(report: VerifyReport, location: string): string[] {
  const lines = [`${location}: trusted at ${report.at}`];
  const { chain } = report.root;
  const from = chain.length > 0 ? (chain[0]?.version ?? 1) - 1 : report.root.version;
  lines.push(
    chain.length > 0
      ? `root chain: v${from} -> v${report.root.version} (${chain.length} updates, each signed by a threshold of the old and the new root)`
      : `root chain: v${report.root.version} (no newer root published)`,
  );
  const width = Math.max(4, ...report.roles.map((r) => r.name.length));
  lines.push(`${'role'.padEnd(width)}  version  expires               signatures`);
  const shown =
    report.roles.length > VERIFY_DETAIL ? report.roles.slice(0, FIRST_ROLES) : report.roles;
  for (const role of shown) {
    const r = role.result;
    const by = role.delegatedBy !== 'root' ? `  (delegated by ${role.delegatedBy})` : '';
    lines.push(
      `${role.name.padEnd(width)}  ${String(role.version).padStart(7)}  ${formatExpiry(parseTime(role.expires, role.file)).padEnd(20)}  ${r.signed.length} valid of threshold ${r.threshold}${by}`,
    );
  }
  if (shown.length < report.roles.length)
    lines.push(
      `… and ${report.roles.length - shown.length} more delegated roles, each signed by a threshold of its delegator's keys (--json lists every role)`,
    );
  for (const t of report.targets) {
    const hashes = Object.entries(t.hashes)
      .map(([alg, hex]) => `${alg} ${hex.slice(0, 16)}…`)
      .join(', ');
    lines.push(`target ${t.path}: ${t.length} bytes, ${hashes} ok (listed by ${t.role})`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  // Role names, target paths and warnings come from the (untrusted) repository.
  return lines.map(escapeTerminal);
}

/** Roles listed one per line; a repository with more (hash bins) lists the first and a count. */
const VERIFY_DETAIL = 24;
const FIRST_ROLES = 8;

/** `tuf-ceremony verify`: the TUF client workflow against a repository directory or URL. */
export const verifyCommand: Command = {
  name: 'verify',
  examples: [
    'tuf-ceremony verify --root repository/1.root.json repository',
    'tuf-ceremony verify --root 1.root.json --target trusted_root.json --json https://tuf-repo-cdn.sigstore.dev',
  ],
  exitCodes: {
    0: 'the repository is trusted',
    1: 'verification failed (one line names the role, the file and the rule)',
  },
  summary:
    'verify a repository as a TUF client does, from a trusted root (exit 0 trusted, 1 failed)',
  usage: USAGE,
  positionals: true,
  options: {
    root: {
      type: 'string',
      valueName: 'ROOT_JSON',
      description: 'the root.json you already trust, where the root chain starts (required)',
    },
    at: {
      type: 'string',
      valueName: 'TIME',
      description: 'check expiry at this RFC 3339 time (default: now)',
    },
    target: {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description: 'also find this target through the delegations and check it byte for byte',
    },
    previous: {
      type: 'string',
      valueName: 'DIR',
      description:
        'metadata seen before (timestamp.json, snapshot.json): refuse rollbacks against it',
    },
    'max-metadata-size': {
      type: 'string',
      valueName: 'SIZE',
      description:
        'refuse any metadata file larger than SIZE, whatever snapshot lists (default 64MiB)',
    },
    'allow-cross-origin-redirects': {
      type: 'boolean',
      description: 'follow HTTP redirects to another scheme, host or port (refused by default)',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const rootFlag = stringFlag(args, 'root');
    if (rootFlag === undefined) throw usage('--root is required');
    if (args.positionals.length !== 1) {
      throw usage('give exactly one repository directory or http(s) URL');
    }
    const location = args.positionals[0] as string;
    const at = stringFlag(args, 'at');
    let now = ctx.now();
    if (at !== undefined) {
      try {
        now = parseTime(at, '--at');
      } catch (err) {
        throw usage((err as Error).message);
      }
    }
    const rootFile = resolve(ctx.cwd, rootFlag);
    const trustedRoot = await readRequired(rootFile, '--root');
    const source = await openSource(
      location,
      ctx.cwd,
      boolFlag(args, 'allow-cross-origin-redirects'),
    );
    const maxMetadataFlag = stringFlag(args, 'max-metadata-size');
    const previousDir = stringFlag(args, 'previous');
    const json = boolFlag(args, 'json');
    let progress: Progress | undefined;
    const report = await verifyRepository({
      onRole: (done, total) => {
        progress ??= startProgress(ctx, 'verify', total, 'roles', json);
        progress.set(done);
      },
      trustedRoot,
      trustedRootName: basename(rootFile),
      source,
      now,
      targets: stringList(args, 'target'),
      ...(maxMetadataFlag !== undefined
        ? { limits: { maxMetadata: parseByteSize(maxMetadataFlag, 'max-metadata-size') } }
        : {}),
      ...(previousDir !== undefined
        ? { previous: await readPrevious(resolve(ctx.cwd, previousDir)) }
        : {}),
    });
    progress?.finish();
    if (json) {
      ctx.out(JSON.stringify({ trusted: true, repository: location, ...report }, null, 2));
    } else {
      for (const line of renderReport(report, location)) ctx.out(line);
    }
    return EXIT.ok;
  },
};
