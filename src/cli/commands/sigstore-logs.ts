import type { TransparencyLogJson, TrustedRootDoc } from '../../sigstore/trusted-root-model.js';
import { VALIDITY_END_OPTION, VALIDITY_START_OPTIONS } from './sigstore-document.js';
import { changedEntry, logEntry } from './sigstore-edit-report.js';
import {
  addCtLog,
  addTransparencyLog,
  endCtLog,
  endTransparencyLog,
  type LogAddInput,
  type LogEndInput,
} from '../../sigstore/transparency-logs.js';
import {
  EXIT,
  stringFlag,
  type Command,
  type CommandContext,
  type OptionSpec,
  type ParsedArgs,
} from '../command.js';
import {
  apiVersionFlag,
  editTrustedRootFlagFile,
  printTrustedRootEdit,
  readPemFlag,
  requiredFlag,
  TRUSTED_ROOT_OPTIONS,
  type TrustedRootEdit,
} from './sigstore-shared.js';

// `sigstore tlog add|end` and `sigstore ctlog add|end`: transparency-log shards and CT logs.

const WHERE = '[--file PATH | --dir CEREMONY]';

/** How the two kinds of log differ: their word, their list, and (tlog only) API versions. */
interface LogKind {
  word: 'tlog' | 'ctlog';
  what: string;
  summaryAdd: string;
  summaryEnd: string;
  list: 'tlogs' | 'ctlogs';
  apiVersions: boolean;
  add: (doc: TrustedRootDoc, input: LogAddInput) => TrustedRootDoc;
  end: (doc: TrustedRootDoc, input: LogEndInput) => TrustedRootDoc;
}

const TLOG: LogKind = {
  word: 'tlog',
  what: 'transparency log',
  summaryAdd: 'add a Rekor transparency-log shard to a trusted_root.json',
  summaryEnd: 'close the validity window of a Rekor transparency-log shard',
  list: 'tlogs',
  apiVersions: true,
  add: addTransparencyLog,
  end: endTransparencyLog,
};

const CTLOG: LogKind = {
  word: 'ctlog',
  what: 'CT log',
  summaryAdd: 'add a certificate transparency log to a trusted_root.json',
  summaryEnd: 'close the validity window of a certificate transparency log',
  list: 'ctlogs',
  apiVersions: false,
  add: addCtLog,
  end: endCtLog,
};

/** Prints a log edit; `what` says it from the log added or closed. */
function printLogEdit(
  ctx: CommandContext,
  args: ParsedArgs,
  edit: TrustedRootEdit,
  kind: LogKind,
  action: 'add' | 'end',
  what: (log: TransparencyLogJson) => string,
): void {
  const log = changedEntry(edit.before[kind.list], edit.doc[kind.list]);
  const change = { action, kind: kind.word, entry: logEntry(log) };
  printTrustedRootEdit(ctx, args, edit, change, what(log));
}

function addCommand(kind: LogKind): Command {
  const usage = `tuf-ceremony sigstore ${kind.word} add ${WHERE} --base-url URL --public-key PEM --start TIME${kind.apiVersions ? ' [--api-version 1|2]' : ''} [--operator NAME] [--media-type 0.1|0.2] [--json]`;
  const options: OptionSpec = {
    ...TRUSTED_ROOT_OPTIONS,
    'base-url': {
      type: 'string',
      valueName: 'URL',
      description: "the log's base URL (required)",
    },
    'public-key': {
      type: 'string',
      valueName: 'PEM',
      description: "the log's public key file, PEM (required)",
    },
    ...VALIDITY_START_OPTIONS,
    ...(kind.apiVersions
      ? {
          'api-version': {
            type: 'string',
            valueName: '1|2',
            description: 'Rekor API version of the shard',
            default: '1',
          },
        }
      : {}),
  };
  return {
    name: `sigstore ${kind.word} add`,
    examples: [
      `tuf-ceremony sigstore ${kind.word} add --base-url https://${kind.word}.example.dev --public-key ${kind.word}.pub --start 2026-01-01T00:00:00Z`,
    ],
    summary: kind.summaryAdd,
    usage,
    options,
    async run(ctx, args) {
      const baseUrl = requiredFlag(args, 'base-url', usage);
      const start = requiredFlag(args, 'start', usage);
      // CT logs have no API version: their command does not offer the flag.
      const apiVersion = kind.apiVersions ? apiVersionFlag(args) : undefined;
      const operator = stringFlag(args, 'operator');
      const publicKeyPem = await readPemFlag(ctx, args, 'public-key', usage);
      const edit = await editTrustedRootFlagFile(ctx, args, usage, (d) =>
        kind.add(d, {
          baseUrl,
          publicKeyPem,
          start,
          ...(apiVersion === undefined ? {} : { apiVersion }),
          ...(operator === undefined ? {} : { operator }),
        }),
      );
      printLogEdit(ctx, args, edit, kind, 'add', (log) => {
        return `added ${kind.what} ${baseUrl} (log id ${log.logId.keyId})`;
      });
      return EXIT.ok;
    },
  };
}

function endCommand(kind: LogKind): Command {
  const usage = `tuf-ceremony sigstore ${kind.word} end ${WHERE} --base-url URL --end TIME [--log-id BASE64] [--json]`;
  return {
    name: `sigstore ${kind.word} end`,
    examples: [
      `tuf-ceremony sigstore ${kind.word} end --file trusted_root.json --base-url https://${kind.word}.example.dev --end 2027-01-01T00:00:00Z`,
    ],
    summary: kind.summaryEnd,
    usage,
    options: {
      ...TRUSTED_ROOT_OPTIONS,
      'base-url': {
        type: 'string',
        valueName: 'URL',
        description: "the log's base URL (required)",
      },
      ...VALIDITY_END_OPTION,
      'log-id': {
        type: 'string',
        valueName: 'BASE64',
        description: 'the log id, when several logs share the base URL',
      },
    },
    async run(ctx, args) {
      const baseUrl = requiredFlag(args, 'base-url', usage);
      const end = requiredFlag(args, 'end', usage);
      const logId = stringFlag(args, 'log-id');
      const edit = await editTrustedRootFlagFile(ctx, args, usage, (d) =>
        kind.end(d, { baseUrl, end, ...(logId === undefined ? {} : { logId }) }),
      );
      printLogEdit(ctx, args, edit, kind, 'end', () => `closed ${kind.what} ${baseUrl} at ${end}`);
      return EXIT.ok;
    },
  };
}

/** `sigstore tlog add`: a Rekor log shard (v1 ECDSA or v2 Ed25519) in trusted_root.json. */
export const sigstoreTlogAddCommand = addCommand(TLOG);
/** `sigstore tlog end`: closes a Rekor log shard's validity window. */
export const sigstoreTlogEndCommand = endCommand(TLOG);
/** `sigstore ctlog add`: a certificate transparency log in trusted_root.json. */
export const sigstoreCtlogAddCommand = addCommand(CTLOG);
/** `sigstore ctlog end`: closes a CT log's validity window. */
export const sigstoreCtlogEndCommand = endCommand(CTLOG);
