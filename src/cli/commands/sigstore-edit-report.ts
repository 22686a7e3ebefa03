import type { ServiceKind } from '../../sigstore/signing-config.js';
import type { ServiceConfigJson, ServiceJson } from '../../sigstore/signing-config-model.js';
import type { TimeRangeJson } from '../../sigstore/times.js';
import type {
  CertificateAuthorityJson,
  TransparencyLogJson,
} from '../../sigstore/trusted-root-model.js';
import { boolFlag, type CommandContext, type ParsedArgs } from '../command.js';
import { ceremonyNext, type DocumentLocation, type SigstoreDocument } from './sigstore-document.js';

// What a `sigstore ...` edit changed: one line (and the warnings on stderr) for a person, or one
// JSON document for --json (docs/schemas/sigstore-edit.schema.json).

/** The validity window of an edited entry. */
interface Validity {
  start: string;
  end?: string;
}

/** An edited entry, by what identifies it: a log, an authority, a service or a selector. */
export type EditedEntry =
  | (Validity & { baseUrl: string; logId: string; operator?: string })
  | (Validity & {
      uri: string;
      subject: { organization?: string; commonName?: string };
      certificates: number;
      operator?: string;
    })
  | (Validity & { url: string; majorApiVersion: number; operator?: string })
  | ServiceConfigJson;

/** What one edit changed, as `--json` prints it. */
export interface EditReport {
  /** The file written. */
  file: string;
  created: boolean;
  document: SigstoreDocument;
  action: 'add' | 'end' | 'selector';
  kind: 'tlog' | 'ctlog' | ServiceKind;
  entry: EditedEntry;
  warnings: string[];
  /** What to run next after editing a ceremony's target input; null for a standalone file. */
  next: string | null;
}

function validity(range: TimeRangeJson): Validity {
  return range.end === undefined ? { start: range.start } : { start: range.start, end: range.end };
}

function operatorOf(entry: { operator?: string }): { operator?: string } {
  return entry.operator === undefined ? {} : { operator: entry.operator };
}

/** A transparency or CT log by its base URL and log id. */
export function logEntry(log: TransparencyLogJson): EditedEntry {
  return {
    baseUrl: log.baseUrl,
    logId: log.logId.keyId,
    ...validity(log.publicKey.validFor),
    ...operatorOf(log),
  };
}

/** A certificate or timestamp authority by its URI and the subject of its chain's anchor. */
export function authorityEntry(authority: CertificateAuthorityJson): EditedEntry {
  return {
    uri: authority.uri,
    subject: authority.subject,
    certificates: authority.certChain.certificates.length,
    ...validity(authority.validFor),
    ...operatorOf(authority),
  };
}

/** A signing_config service by its URL and API version. */
export function serviceEntry(service: ServiceJson): EditedEntry {
  return {
    url: service.url,
    majorApiVersion: service.majorApiVersion,
    ...validity(service.validFor),
    ...operatorOf(service),
  };
}

/**
 * The entry an edit added or changed: the first entry of `after` not in `before` (the edits are
 * pure and add or close exactly one entry). Linear in the size of the lists.
 */
export function changedEntry<T>(before: readonly T[], after: readonly T[]): T {
  const old = new Set(before.map((e) => JSON.stringify(e)));
  const changed = after.find((e) => !old.has(JSON.stringify(e)));
  if (changed === undefined) throw new Error('the edit changed no entry');
  return changed;
}

/** The report fields every edit shares: the file, whether it was created, and what comes next. */
export function editedFile(edit: {
  path: string;
  created: boolean;
  location: DocumentLocation;
}): Pick<EditReport, 'file' | 'created' | 'next'> {
  return { file: edit.path, created: edit.created, next: ceremonyNext(edit.location) };
}

/** Prints an edit: the JSON report with --json, else the warnings, the line and the next step. */
export function printEdit(
  ctx: CommandContext,
  args: ParsedArgs,
  report: EditReport,
  line: string,
): void {
  if (boolFlag(args, 'json')) {
    // One key order for every edit, whatever order the report was built in.
    const { file, created, document, action, kind, entry, warnings, next } = report;
    const ordered = { file, created, document, action, kind, entry, warnings, next };
    ctx.out(JSON.stringify(ordered, null, 2));
    return;
  }
  for (const warning of report.warnings) ctx.err(`warning: ${warning}`);
  ctx.out(line);
  if (report.next !== null) ctx.out(`next: ${report.next}`);
}
