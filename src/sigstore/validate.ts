import { SigningConfig, TrustedRoot, type TimeRange } from '@sigstore/protobuf-specs';
import { CeremonyError } from '../metadata/errors.js';
import { parseJsonBounded } from '../metadata/json-depth.js';
import { escapeUntrusted } from '../metadata/terminal-text.js';

// Every document is validated by Sigstore's own protobuf-specs parser before it is written. Its
// fromJSON throws on unknown enum names but turns a bad time into an Invalid Date silently, so
// the parsed times are checked as well.

interface Ranged {
  validFor?: TimeRange | undefined;
}

function checkDates(items: readonly (Ranged | undefined)[], file: string, what: string): void {
  for (const item of items) {
    for (const date of [item?.validFor?.start, item?.validFor?.end]) {
      if (date !== undefined && Number.isNaN(date.getTime())) {
        throw new CeremonyError('METADATA_INVALID', `${file}: a ${what} has an unreadable time`);
      }
    }
  }
}

function parseWith<T>(parse: (json: unknown) => T, text: string, file: string): T {
  const json = parseJsonBounded(text, file);
  try {
    return parse(json);
  } catch (err) {
    // The parser's message may carry values of the document: quoted, capped and escaped.
    const detail = escapeUntrusted((err as Error).message, 160);
    throw new CeremonyError(
      'METADATA_INVALID',
      `${file}: rejected by @sigstore/protobuf-specs (${detail})`,
    );
  }
}

/** Parses trusted_root.json text with protobuf-specs `TrustedRoot.fromJSON`; throws if unusable. */
export function validateTrustedRootText(text: string, file: string): TrustedRoot {
  const root = parseWith((j) => TrustedRoot.fromJSON(j), text, file);
  checkDates(
    root.tlogs.map((t) => t.publicKey),
    file,
    'transparency log',
  );
  checkDates(
    root.ctlogs.map((t) => t.publicKey),
    file,
    'CT log',
  );
  checkDates(root.certificateAuthorities, file, 'certificate authority');
  checkDates(root.timestampAuthorities, file, 'timestamp authority');
  return root;
}

/** Parses signing_config text with protobuf-specs `SigningConfig.fromJSON`; throws if unusable. */
export function validateSigningConfigText(text: string, file: string): SigningConfig {
  const config = parseWith((j) => SigningConfig.fromJSON(j), text, file);
  for (const [name, list] of Object.entries({
    caUrls: config.caUrls,
    oidcUrls: config.oidcUrls,
    rekorTlogUrls: config.rekorTlogUrls,
    tsaUrls: config.tsaUrls,
  })) {
    checkDates(list, file, `${name} service`);
  }
  return config;
}
