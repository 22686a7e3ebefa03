import { VALIDITY_END_OPTION, VALIDITY_START_OPTIONS } from './sigstore-document.js';
import { authorityEntry, changedEntry } from './sigstore-edit-report.js';
import {
  addCertificateAuthority,
  addTimestampAuthority,
  endCertificateAuthority,
  endTimestampAuthority,
  type AuthorityAddInput,
  type AuthorityEndInput,
} from '../../sigstore/authorities.js';
import type { TrustedRootDoc } from '../../sigstore/trusted-root-model.js';
import {
  EXIT,
  stringFlag,
  stringList,
  type Command,
  type CommandContext,
  type ParsedArgs,
} from '../command.js';
import {
  editTrustedRootFlagFile,
  printTrustedRootEdit,
  readPemFlag,
  requiredFlag,
  TRUSTED_ROOT_OPTIONS,
  type TrustedRootEdit,
} from './sigstore-shared.js';

// `sigstore ca add|end` (Fulcio certificate authorities) and `sigstore tsa add|end` (timestamp
// authorities): certificate chains, leaf first, with validity windows.

type Add = (doc: TrustedRootDoc, input: AuthorityAddInput) => TrustedRootDoc;
type End = (doc: TrustedRootDoc, input: AuthorityEndInput) => TrustedRootDoc;

/** The trusted-root list each command edits. */
const LISTS = { ca: 'certificateAuthorities', tsa: 'timestampAuthorities' } as const;

/** Prints an authority edit with the entry added or closed. */
function printAuthorityEdit(
  ctx: CommandContext,
  args: ParsedArgs,
  edit: TrustedRootEdit,
  word: 'ca' | 'tsa',
  action: 'add' | 'end',
  what: string,
): void {
  const authority = changedEntry(edit.before[LISTS[word]], edit.doc[LISTS[word]]);
  printTrustedRootEdit(
    ctx,
    args,
    edit,
    { action, kind: word, entry: authorityEntry(authority) },
    what,
  );
}

function addCommand(word: 'ca' | 'tsa', what: string, add: Add): Command {
  const usage = `tuf-ceremony sigstore ${word} add [--file PATH | --dir CEREMONY] --uri URL --chain PEM [--chain PEM ...] --start TIME [--operator NAME] [--media-type 0.1|0.2] [--json]`;
  return {
    name: `sigstore ${word} add`,
    examples: [
      `tuf-ceremony sigstore ${word} add --uri https://${word}.example.dev --chain leaf.pem --chain root.pem --start 2026-01-01T00:00:00Z`,
    ],
    summary: `add a ${what} certificate chain (leaf first) to a trusted_root.json`,
    usage,
    options: {
      ...TRUSTED_ROOT_OPTIONS,
      uri: {
        type: 'string',
        valueName: 'URL',
        description: "the authority's URI (required)",
      },
      chain: {
        type: 'string',
        multiple: true,
        valueName: 'PEM',
        description: 'a certificate file of the chain, leaf first',
      },
      ...VALIDITY_START_OPTIONS,
    },
    async run(ctx, args) {
      const uri = requiredFlag(args, 'uri', usage);
      const start = requiredFlag(args, 'start', usage);
      const operator = stringFlag(args, 'operator');
      const chainPem = await readPemFlag(ctx, args, 'chain', usage);
      const edit = await editTrustedRootFlagFile(ctx, args, usage, (d) =>
        add(d, { uri, chainPem, start, ...(operator === undefined ? {} : { operator }) }),
      );
      printAuthorityEdit(ctx, args, edit, word, 'add', `added ${what} ${uri} from ${start}`);
      return EXIT.ok;
    },
  };
}

function endCommand(word: 'ca' | 'tsa', what: string, end: End): Command {
  const usage = `tuf-ceremony sigstore ${word} end [--file PATH | --dir CEREMONY] --uri URL --end TIME [--chain PEM ...] [--json]`;
  return {
    name: `sigstore ${word} end`,
    examples: [
      `tuf-ceremony sigstore ${word} end --file trusted_root.json --uri https://${word}.example.dev --end 2027-01-01T00:00:00Z`,
    ],
    summary: `close the validity window of a ${what}`,
    usage,
    options: {
      ...TRUSTED_ROOT_OPTIONS,
      uri: {
        type: 'string',
        valueName: 'URL',
        description: "the authority's URI (required)",
      },
      ...VALIDITY_END_OPTION,
      chain: {
        type: 'string',
        multiple: true,
        valueName: 'PEM',
        description: 'a certificate file of the chain, leaf first',
      },
    },
    async run(ctx, args) {
      const uri = requiredFlag(args, 'uri', usage);
      const at = requiredFlag(args, 'end', usage);
      const chainPem =
        stringList(args, 'chain').length > 0
          ? await readPemFlag(ctx, args, 'chain', usage)
          : undefined;
      const edit = await editTrustedRootFlagFile(ctx, args, usage, (d) =>
        end(d, { uri, end: at, ...(chainPem === undefined ? {} : { chainPem }) }),
      );
      printAuthorityEdit(ctx, args, edit, word, 'end', `closed ${what} ${uri} at ${at}`);
      return EXIT.ok;
    },
  };
}

/** `sigstore ca add`: a Fulcio CA chain. */
export const sigstoreCaAddCommand = addCommand(
  'ca',
  'certificate authority',
  addCertificateAuthority,
);
/** `sigstore ca end`: closes a Fulcio CA's window. */
export const sigstoreCaEndCommand = endCommand(
  'ca',
  'certificate authority',
  endCertificateAuthority,
);
/** `sigstore tsa add`: a timestamp authority chain. */
export const sigstoreTsaAddCommand = addCommand(
  'tsa',
  'timestamp authority',
  addTimestampAuthority,
);
/** `sigstore tsa end`: closes a timestamp authority's window. */
export const sigstoreTsaEndCommand = endCommand(
  'tsa',
  'timestamp authority',
  endTimestampAuthority,
);
