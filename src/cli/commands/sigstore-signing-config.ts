import { CeremonyError } from '../../metadata/errors.js';
import { editSigningConfigFile } from '../../sigstore/file-store.js';
import {
  addService,
  endService,
  setSelector,
  SERVICE_LISTS,
  type ServiceKind,
} from '../../sigstore/signing-config.js';
import type { SigningConfigDoc } from '../../sigstore/signing-config-model.js';
import {
  EXIT,
  stringFlag,
  type Command,
  type CommandContext,
  type OptionSpec,
  type ParsedArgs,
} from '../command.js';
import {
  DOCUMENT_OPTIONS,
  documentLocation,
  VALIDITY_END_OPTION,
  VALIDITY_START_OPTIONS,
} from './sigstore-document.js';
import {
  changedEntry,
  editedFile,
  printEdit,
  serviceEntry,
  type EditedEntry,
  type EditReport,
} from './sigstore-edit-report.js';
import { requiredFlag } from './sigstore-shared.js';

// `sigstore signing-config add|end|selector`: service URLs of a signing_config v0.2 file.

const KINDS = Object.keys(SERVICE_LISTS) as ServiceKind[];
const ADD =
  'tuf-ceremony sigstore signing-config add [--file PATH | --dir CEREMONY] --kind ca|oidc|rekor|tsa --url URL --start TIME --operator NAME [--api-version N] [--json]';
const END =
  'tuf-ceremony sigstore signing-config end [--file PATH | --dir CEREMONY] --kind ca|oidc|rekor|tsa --url URL --end TIME [--api-version N] [--json]';
const SELECTOR =
  'tuf-ceremony sigstore signing-config selector [--file PATH | --dir CEREMONY] --kind rekor|tsa --selector ALL|ANY|EXACT [--count N] [--json]';

function kindFlag(args: ParsedArgs, usage: string): ServiceKind {
  const kind = requiredFlag(args, 'kind', usage);
  if (!(KINDS as string[]).includes(kind)) {
    throw new CeremonyError('USAGE', `--kind must be one of ${KINDS.join(', ')}, found "${kind}"`);
  }
  return kind as ServiceKind;
}

function integerFlag(args: ParsedArgs, name: string): number | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) {
    throw new CeremonyError('USAGE', `--${name} must be a positive integer, found "${text}"`);
  }
  return Number(text);
}

/**
 * Edits the signing config (--file, or the ceremony's target input) and prints what changed: the
 * line for a person, or the JSON report whose entry `entryOf` picks from the lists before and after.
 */
async function editSigningConfig(
  ctx: CommandContext,
  args: ParsedArgs,
  usage: string,
  change: {
    action: EditReport['action'];
    kind: ServiceKind;
    edit: (doc: SigningConfigDoc) => SigningConfigDoc;
    entryOf: (before: SigningConfigDoc, after: SigningConfigDoc) => EditedEntry;
    line: (path: string, created: boolean) => string;
  },
): Promise<number> {
  const location = await documentLocation(ctx, args, 'signing_config', usage);
  let before: SigningConfigDoc | undefined;
  const result = await editSigningConfigFile(location.path, (doc) => {
    before = doc;
    return change.edit(doc);
  });
  const edit = { path: location.path, created: result.created, location };
  const report: EditReport = {
    ...editedFile(edit),
    document: 'signing_config',
    action: change.action,
    kind: change.kind,
    entry: change.entryOf(before ?? result.doc, result.doc),
    warnings: [],
  };
  printEdit(ctx, args, report, change.line(location.path, result.created));
  return EXIT.ok;
}

/** The service an add or end changed, from the kind's list before and after. */
function changedService(kind: ServiceKind) {
  const list = SERVICE_LISTS[kind];
  return (before: SigningConfigDoc, after: SigningConfigDoc): EditedEntry =>
    serviceEntry(changedEntry(before[list], after[list]));
}

/** `--kind` and `--url`: which service of a signing_config. */
const SERVICE_OPTIONS: OptionSpec = {
  kind: {
    type: 'string',
    valueName: 'KIND',
    description: 'the service kind: ca, oidc, rekor or tsa (required)',
  },
  url: { type: 'string', valueName: 'URL', description: 'the service URL (required)' },
};

/** `sigstore signing-config add`: a service URL with its window, API version and operator. */
export const sigstoreSigningConfigAddCommand: Command = {
  name: 'sigstore signing-config add',
  examples: [
    'tuf-ceremony sigstore signing-config add --kind rekor --url https://rekor.example.dev --start 2026-01-01T00:00:00Z --operator example.dev',
    'tuf-ceremony sigstore signing-config add --file signing_config.json --kind tsa --url https://tsa.example.dev --start 2026-01-01T00:00:00Z --operator example.dev',
  ],
  summary: 'add a service URL (CA, OIDC, Rekor, TSA) to a signing_config v0.2 file',
  usage: ADD,
  options: {
    ...DOCUMENT_OPTIONS,
    ...SERVICE_OPTIONS,
    ...VALIDITY_START_OPTIONS,
    'api-version': {
      type: 'string',
      valueName: 'N',
      description: "the service's major API version (default: 1 for add, any for end)",
    },
  },
  async run(ctx, args) {
    const kind = kindFlag(args, ADD);
    const url = requiredFlag(args, 'url', ADD);
    const start = requiredFlag(args, 'start', ADD);
    const operator = requiredFlag(args, 'operator', ADD);
    const version = integerFlag(args, 'api-version');
    return await editSigningConfig(ctx, args, ADD, {
      action: 'add',
      kind,
      edit: (doc) =>
        addService(doc, {
          kind,
          url,
          start,
          operator,
          ...(version === undefined ? {} : { majorApiVersion: version }),
        }),
      entryOf: changedService(kind),
      line: (path, created) =>
        `added ${kind} service ${url} in ${path}${created ? ' (created)' : ''}`,
    });
  },
};

/** `sigstore signing-config end`: retires a service URL (its entry stays, closed). */
export const sigstoreSigningConfigEndCommand: Command = {
  name: 'sigstore signing-config end',
  examples: [
    'tuf-ceremony sigstore signing-config end --kind rekor --url https://rekor.example.dev --end 2027-01-01T00:00:00Z',
  ],
  summary: 'retire a service URL of a signing_config v0.2 file at a given time',
  usage: END,
  options: {
    ...DOCUMENT_OPTIONS,
    ...SERVICE_OPTIONS,
    ...VALIDITY_END_OPTION,
    'api-version': {
      type: 'string',
      valueName: 'N',
      description: "the service's major API version (default: 1 for add, any for end)",
    },
  },
  async run(ctx, args) {
    const kind = kindFlag(args, END);
    const url = requiredFlag(args, 'url', END);
    const end = requiredFlag(args, 'end', END);
    const version = integerFlag(args, 'api-version');
    return await editSigningConfig(ctx, args, END, {
      action: 'end',
      kind,
      edit: (doc) =>
        endService(doc, {
          kind,
          url,
          end,
          ...(version === undefined ? {} : { majorApiVersion: version }),
        }),
      entryOf: changedService(kind),
      line: (path) => `retired ${kind} service ${url} at ${end} in ${path}`,
    });
  },
};

/** `sigstore signing-config selector`: how clients choose Rekor logs or TSAs. */
export const sigstoreSigningConfigSelectorCommand: Command = {
  name: 'sigstore signing-config selector',
  examples: [
    'tuf-ceremony sigstore signing-config selector --kind rekor --selector ANY',
    'tuf-ceremony sigstore signing-config selector --kind tsa --selector EXACT --count 2',
  ],
  summary: 'set how clients select Rekor logs or TSAs (ALL, ANY, EXACT --count N)',
  usage: SELECTOR,
  options: {
    ...DOCUMENT_OPTIONS,
    kind: {
      type: 'string',
      valueName: 'KIND',
      description: 'the service kind: ca, oidc, rekor or tsa (required)',
    },
    selector: {
      type: 'string',
      valueName: 'ALL|ANY|EXACT',
      description: 'how clients pick among the services of this kind (required)',
    },
    count: {
      type: 'string',
      valueName: 'N',
      description: 'how many services EXACT selects',
    },
  },
  async run(ctx, args) {
    const kind = kindFlag(args, SELECTOR);
    if (kind !== 'rekor' && kind !== 'tsa') {
      throw new CeremonyError('USAGE', `selectors exist for --kind rekor and tsa only`);
    }
    const selector = requiredFlag(args, 'selector', SELECTOR);
    if (selector !== 'ALL' && selector !== 'ANY' && selector !== 'EXACT') {
      throw new CeremonyError('USAGE', `--selector must be ALL, ANY or EXACT, found "${selector}"`);
    }
    const count = integerFlag(args, 'count');
    const config = kind === 'rekor' ? 'rekorTlogConfig' : 'tsaConfig';
    return await editSigningConfig(ctx, args, SELECTOR, {
      action: 'selector',
      kind,
      edit: (doc) =>
        setSelector(doc, kind, { selector, ...(count === undefined ? {} : { count }) }),
      entryOf: (_before, after) => after[config] ?? { selector },
      line: (path) =>
        `${kind} selector set to ${selector}${count === undefined ? '' : ` ${count}`} in ${path}`,
    });
  },
};
