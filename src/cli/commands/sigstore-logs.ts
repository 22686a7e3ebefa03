import type { TransparencyLogJson } from '../../sigstore/trusted-root-model.js';
import {
  addCtLog,
  addTransparencyLog,
  endCtLog,
  endTransparencyLog,
} from '../../sigstore/transparency-logs.js';
import { EXIT, stringFlag, type Command } from '../command.js';
import {
  apiVersionFlag,
  editTrustedRootFlagFile,
  readPemFlag,
  reportEdit,
  requiredFlag,
  TRUSTED_ROOT_OPTIONS,
} from './sigstore-shared.js';

// `sigstore tlog add|end` and `sigstore ctlog add|end`: transparency-log shards and CT logs.

const TLOG_ADD =
  'tuf-ceremony sigstore tlog add [--file PATH | --dir CEREMONY] --base-url URL --public-key PEM --start TIME [--api-version 1|2] [--operator NAME] [--media-type 0.1|0.2]';
const TLOG_END =
  'tuf-ceremony sigstore tlog end [--file PATH | --dir CEREMONY] --base-url URL --end TIME [--log-id BASE64]';
const CTLOG_ADD =
  'tuf-ceremony sigstore ctlog add [--file PATH | --dir CEREMONY] --base-url URL --public-key PEM --start TIME [--operator NAME] [--media-type 0.1|0.2]';
const CTLOG_END =
  'tuf-ceremony sigstore ctlog end [--file PATH | --dir CEREMONY] --base-url URL --end TIME [--log-id BASE64]';

const ADD_OPTIONS = {
  ...TRUSTED_ROOT_OPTIONS,
  'base-url': { type: 'string' },
  'public-key': { type: 'string' },
  start: { type: 'string' },
  operator: { type: 'string' },
} as const;

const END_OPTIONS = {
  ...TRUSTED_ROOT_OPTIONS,
  'base-url': { type: 'string' },
  end: { type: 'string' },
  'log-id': { type: 'string' },
} as const;

function findLog(logs: readonly TransparencyLogJson[], baseUrl: string): string {
  const entry = logs.filter((l) => l.baseUrl === baseUrl).at(-1);
  return entry === undefined ? '' : ` (log id ${entry.logId.keyId})`;
}

/** `sigstore tlog add`: a Rekor log shard (v1 ECDSA or v2 Ed25519) in trusted_root.json. */
export const sigstoreTlogAddCommand: Command = {
  name: 'sigstore tlog add',
  summary: 'add a Rekor transparency-log shard to a trusted_root.json',
  usage: TLOG_ADD,
  options: { ...ADD_OPTIONS, 'api-version': { type: 'string' } },
  async run(ctx, args) {
    const baseUrl = requiredFlag(args, 'base-url', TLOG_ADD);
    const start = requiredFlag(args, 'start', TLOG_ADD);
    const apiVersion = apiVersionFlag(args);
    const operator = stringFlag(args, 'operator');
    const publicKeyPem = await readPemFlag(ctx, args, 'public-key', TLOG_ADD);
    const edit = await editTrustedRootFlagFile(ctx, args, TLOG_ADD, (d) =>
      addTransparencyLog(d, {
        baseUrl,
        publicKeyPem,
        start,
        apiVersion,
        ...(operator === undefined ? {} : { operator }),
      }),
    );
    reportEdit(ctx, `added transparency log ${baseUrl}${findLog(edit.doc.tlogs, baseUrl)}`, edit);
    return EXIT.ok;
  },
};

/** `sigstore tlog end`: closes a Rekor log shard's validity window. */
export const sigstoreTlogEndCommand: Command = {
  name: 'sigstore tlog end',
  summary: 'close the validity window of a Rekor transparency-log shard',
  usage: TLOG_END,
  options: END_OPTIONS,
  async run(ctx, args) {
    const baseUrl = requiredFlag(args, 'base-url', TLOG_END);
    const end = requiredFlag(args, 'end', TLOG_END);
    const logId = stringFlag(args, 'log-id');
    const edit = await editTrustedRootFlagFile(ctx, args, TLOG_END, (d) =>
      endTransparencyLog(d, { baseUrl, end, ...(logId === undefined ? {} : { logId }) }),
    );
    reportEdit(ctx, `closed transparency log ${baseUrl} at ${end}`, edit);
    return EXIT.ok;
  },
};

/** `sigstore ctlog add`: a certificate transparency log in trusted_root.json. */
export const sigstoreCtlogAddCommand: Command = {
  name: 'sigstore ctlog add',
  summary: 'add a certificate transparency log to a trusted_root.json',
  usage: CTLOG_ADD,
  options: ADD_OPTIONS,
  async run(ctx, args) {
    const baseUrl = requiredFlag(args, 'base-url', CTLOG_ADD);
    const start = requiredFlag(args, 'start', CTLOG_ADD);
    const operator = stringFlag(args, 'operator');
    const publicKeyPem = await readPemFlag(ctx, args, 'public-key', CTLOG_ADD);
    const edit = await editTrustedRootFlagFile(ctx, args, CTLOG_ADD, (d) =>
      addCtLog(d, {
        baseUrl,
        publicKeyPem,
        start,
        ...(operator === undefined ? {} : { operator }),
      }),
    );
    reportEdit(ctx, `added CT log ${baseUrl}${findLog(edit.doc.ctlogs, baseUrl)}`, edit);
    return EXIT.ok;
  },
};

/** `sigstore ctlog end`: closes a CT log's validity window. */
export const sigstoreCtlogEndCommand: Command = {
  name: 'sigstore ctlog end',
  summary: 'close the validity window of a certificate transparency log',
  usage: CTLOG_END,
  options: END_OPTIONS,
  async run(ctx, args) {
    const baseUrl = requiredFlag(args, 'base-url', CTLOG_END);
    const end = requiredFlag(args, 'end', CTLOG_END);
    const logId = stringFlag(args, 'log-id');
    const edit = await editTrustedRootFlagFile(ctx, args, CTLOG_END, (d) =>
      endCtLog(d, { baseUrl, end, ...(logId === undefined ? {} : { logId }) }),
    );
    reportEdit(ctx, `closed CT log ${baseUrl} at ${end}`, edit);
    return EXIT.ok;
  },
};
