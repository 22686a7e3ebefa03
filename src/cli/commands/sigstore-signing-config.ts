import { CeremonyError } from '../../metadata/errors.js';
import { editSigningConfigFile } from '../../sigstore/file-store.js';
import {
  addService,
  endService,
  setSelector,
  SERVICE_LISTS,
  type ServiceKind,
} from '../../sigstore/signing-config.js';
import { EXIT, stringFlag, type Command, type ParsedArgs } from '../command.js';
import { DOCUMENT_OPTIONS, documentLocation, reportCeremonyNext } from './sigstore-document.js';
import { requiredFlag } from './sigstore-shared.js';

// `sigstore signing-config add|end|selector`: service URLs of a signing_config v0.2 file.

const KINDS = Object.keys(SERVICE_LISTS) as ServiceKind[];
const ADD =
  'tuf-ceremony sigstore signing-config add [--file PATH | --dir CEREMONY] --kind ca|oidc|rekor|tsa --url URL --start TIME --operator NAME [--api-version N]';
const END =
  'tuf-ceremony sigstore signing-config end [--file PATH | --dir CEREMONY] --kind ca|oidc|rekor|tsa --url URL --end TIME [--api-version N]';
const SELECTOR =
  'tuf-ceremony sigstore signing-config selector [--file PATH | --dir CEREMONY] --kind rekor|tsa --selector ALL|ANY|EXACT [--count N]';

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

/** `sigstore signing-config add`: a service URL with its window, API version and operator. */
export const sigstoreSigningConfigAddCommand: Command = {
  name: 'sigstore signing-config add',
  summary: 'add a service URL (CA, OIDC, Rekor, TSA) to a signing_config v0.2 file',
  usage: ADD,
  options: {
    ...DOCUMENT_OPTIONS,
    kind: { type: 'string' },
    url: { type: 'string' },
    start: { type: 'string' },
    operator: { type: 'string' },
    'api-version': { type: 'string' },
  },
  async run(ctx, args) {
    const location = await documentLocation(ctx, args, 'signing_config', ADD);
    const path = location.path;
    const kind = kindFlag(args, ADD);
    const url = requiredFlag(args, 'url', ADD);
    const start = requiredFlag(args, 'start', ADD);
    const operator = requiredFlag(args, 'operator', ADD);
    const version = integerFlag(args, 'api-version');
    const result = await editSigningConfigFile(path, (doc) =>
      addService(doc, {
        kind,
        url,
        start,
        operator,
        ...(version === undefined ? {} : { majorApiVersion: version }),
      }),
    );
    ctx.out(`added ${kind} service ${url} in ${path}${result.created ? ' (created)' : ''}`);
    reportCeremonyNext(ctx, location);
    return EXIT.ok;
  },
};

/** `sigstore signing-config end`: retires a service URL (its entry stays, closed). */
export const sigstoreSigningConfigEndCommand: Command = {
  name: 'sigstore signing-config end',
  summary: 'retire a service URL of a signing_config v0.2 file at a given time',
  usage: END,
  options: {
    ...DOCUMENT_OPTIONS,
    kind: { type: 'string' },
    url: { type: 'string' },
    end: { type: 'string' },
    'api-version': { type: 'string' },
  },
  async run(ctx, args) {
    const location = await documentLocation(ctx, args, 'signing_config', END);
    const path = location.path;
    const kind = kindFlag(args, END);
    const url = requiredFlag(args, 'url', END);
    const end = requiredFlag(args, 'end', END);
    const version = integerFlag(args, 'api-version');
    await editSigningConfigFile(path, (doc) =>
      endService(doc, {
        kind,
        url,
        end,
        ...(version === undefined ? {} : { majorApiVersion: version }),
      }),
    );
    ctx.out(`retired ${kind} service ${url} at ${end} in ${path}`);
    reportCeremonyNext(ctx, location);
    return EXIT.ok;
  },
};

/** `sigstore signing-config selector`: how clients choose Rekor logs or TSAs. */
export const sigstoreSigningConfigSelectorCommand: Command = {
  name: 'sigstore signing-config selector',
  summary: 'set how clients select Rekor logs or TSAs (ALL, ANY, EXACT --count N)',
  usage: SELECTOR,
  options: {
    ...DOCUMENT_OPTIONS,
    kind: { type: 'string' },
    selector: { type: 'string' },
    count: { type: 'string' },
  },
  async run(ctx, args) {
    const location = await documentLocation(ctx, args, 'signing_config', SELECTOR);
    const path = location.path;
    const kind = kindFlag(args, SELECTOR);
    if (kind !== 'rekor' && kind !== 'tsa') {
      throw new CeremonyError('USAGE', `selectors exist for --kind rekor and tsa only`);
    }
    const selector = requiredFlag(args, 'selector', SELECTOR);
    if (selector !== 'ALL' && selector !== 'ANY' && selector !== 'EXACT') {
      throw new CeremonyError('USAGE', `--selector must be ALL, ANY or EXACT, found "${selector}"`);
    }
    const count = integerFlag(args, 'count');
    await editSigningConfigFile(path, (doc) =>
      setSelector(doc, kind, { selector, ...(count === undefined ? {} : { count }) }),
    );
    ctx.out(
      `${kind} selector set to ${selector}${count === undefined ? '' : ` ${count}`} in ${path}`,
    );
    reportCeremonyNext(ctx, location);
    return EXIT.ok;
  },
};
