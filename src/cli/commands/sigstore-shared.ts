import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CeremonyError } from '../../metadata/errors.js';
import { editTrustedRootFile } from '../../sigstore/file-store.js';
import { mediaTypeWarning, trustedRootVersion } from '../../sigstore/media-types.js';
import type { TrustedRootDoc } from '../../sigstore/trusted-root-model.js';
import {
  stringFlag,
  stringList,
  type CommandContext,
  type OptionSpec,
  type ParsedArgs,
} from '../command.js';
import { DOCUMENT_OPTIONS, documentLocation, type DocumentLocation } from './sigstore-document.js';
import { editedFile, printEdit, type EditReport } from './sigstore-edit-report.js';

// Flag handling shared by the `sigstore ...` commands.

/** Reads a required string flag or fails with a usage error naming the command's usage. */
export function requiredFlag(args: ParsedArgs, name: string, usage: string): string {
  const value = stringFlag(args, name);
  if (value === undefined || value === '') {
    throw new CeremonyError('USAGE', `--${name} is required (usage: ${usage})`);
  }
  return value;
}

/** Reads the text of one or more PEM files given by a (repeatable) flag, concatenated in order. */
export async function readPemFlag(
  ctx: CommandContext,
  args: ParsedArgs,
  name: string,
  usage: string,
): Promise<string> {
  const paths = stringList(args, name);
  if (paths.length === 0)
    throw new CeremonyError('USAGE', `--${name} is required (usage: ${usage})`);
  const texts = await Promise.all(paths.map((p) => readFile(resolve(ctx.cwd, p), 'utf8')));
  return texts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('');
}

/** Parses --api-version for logs: 1 (default) or 2. */
export function apiVersionFlag(args: ParsedArgs): 1 | 2 {
  const value = stringFlag(args, 'api-version') ?? '1';
  if (value !== '1' && value !== '2') {
    throw new CeremonyError('USAGE', `--api-version must be 1 or 2, found "${value}"`);
  }
  return value === '2' ? 2 : 1;
}

/** Options every trusted-root command takes. */
export const TRUSTED_ROOT_OPTIONS: OptionSpec = {
  ...DOCUMENT_OPTIONS,
  'media-type': {
    type: 'string',
    valueName: '0.1|0.2',
    description:
      'media type of a new trusted_root.json: 0.1 (default, read by every client) or 0.2 (refused by sigstore-go, cosign and sigstore-python); an existing file keeps its own',
  },
};

/** A trusted-root edit done: the file, the document before and after, and its warnings. */
export interface TrustedRootEdit {
  path: string;
  before: TrustedRootDoc;
  doc: TrustedRootDoc;
  created: boolean;
  location: DocumentLocation;
  /** The media-type warning of a v0.2 file, which clients refuse. */
  warnings: string[];
}

/**
 * Edits the trusted root (--file, or the ceremony's target input): a missing file is created with
 * --media-type (0.1 unless told 0.2, which clients refuse: a warning says which); an existing file
 * keeps its media type, and a different --media-type is refused.
 */
export async function editTrustedRootFlagFile(
  ctx: CommandContext,
  args: ParsedArgs,
  usage: string,
  edit: (doc: TrustedRootDoc) => TrustedRootDoc,
): Promise<TrustedRootEdit> {
  const location = await documentLocation(ctx, args, 'trusted_root', usage);
  const path = location.path;
  const wanted = stringFlag(args, 'media-type');
  if (wanted !== undefined && wanted !== '0.1' && wanted !== '0.2') {
    throw new CeremonyError('USAGE', `--media-type must be 0.1 or 0.2, found "${wanted}"`);
  }
  let before: TrustedRootDoc | undefined;
  const result = await editTrustedRootFile(path, wanted ?? '0.1', (doc) => {
    const has = trustedRootVersion(doc.mediaType, path);
    if (wanted !== undefined && has !== wanted) {
      throw new CeremonyError(
        'USAGE',
        `${path} has media type ${doc.mediaType}; --media-type ${wanted} only applies to new files`,
      );
    }
    before = doc;
    return edit(doc);
  });
  const warning = mediaTypeWarning(result.doc.mediaType, path);
  return {
    path,
    before: before ?? result.doc,
    doc: result.doc,
    created: result.created,
    location,
    warnings: warning === undefined ? [] : [warning],
  };
}

/** Prints a trusted-root edit: "`what` in FILE" and the next step, or the JSON report. */
export function printTrustedRootEdit(
  ctx: CommandContext,
  args: ParsedArgs,
  edit: TrustedRootEdit,
  change: Pick<EditReport, 'action' | 'kind' | 'entry'>,
  what: string,
): void {
  const report: EditReport = {
    ...editedFile(edit),
    document: 'trusted_root',
    ...change,
    warnings: edit.warnings,
  };
  printEdit(ctx, args, report, `${what} in ${edit.path}${edit.created ? ' (created)' : ''}`);
}
