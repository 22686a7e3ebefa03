import { CeremonyError } from '../metadata/errors.js';

/** The legacy media type Sigstore's production trusted_root.json still carries (v0.1 family). */
export const TRUSTED_ROOT_V01_LEGACY = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
/** The v0.1 media type in the newer spelling. */
export const TRUSTED_ROOT_V01 = 'application/vnd.dev.sigstore.trustedroot.v0.1+json';
/** The current trusted_root.json media type (adds checkpointKeyId and operator). */
export const TRUSTED_ROOT_V02 = 'application/vnd.dev.sigstore.trustedroot.v0.2+json';
/** The only signing_config media type this tool edits (v0.1 has a different shape). */
export const SIGNING_CONFIG_V02 = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';

/** Schema generation of a trusted root: v0.2-only fields may appear only in 0.2 documents. */
export type TrustedRootVersion = '0.1' | '0.2';

/** The schema generation a trusted_root media type names; throws for anything unknown. */
export function trustedRootVersion(mediaType: string, file: string): TrustedRootVersion {
  if (mediaType === TRUSTED_ROOT_V01_LEGACY || mediaType === TRUSTED_ROOT_V01) return '0.1';
  if (mediaType === TRUSTED_ROOT_V02) return '0.2';
  throw new CeremonyError(
    'METADATA_INVALID',
    `${file}: unknown trusted root media type "${mediaType}" (expected ${TRUSTED_ROOT_V02} or ${TRUSTED_ROOT_V01_LEGACY})`,
  );
}

/**
 * Which clients refuse a v0.2 trusted root, read from their source: sigstore-go and cosign
 * (pkg/root/trusted_root.go, NewTrustedRootFromProtobuf) and sigstore-python (sigstore/models.py,
 * TrustedRoot._verify) accept only TRUSTED_ROOT_V01_LEGACY. See docs/sigstore-clients.md.
 */
export const TRUSTED_ROOT_V02_REFUSED_BY =
  'sigstore-go and cosign (pkg/root/trusted_root.go NewTrustedRootFromProtobuf) and sigstore-python (sigstore/models.py TrustedRoot._verify) accept only ' +
  TRUSTED_ROOT_V01_LEGACY;

/** The warning for a trusted root of media type v0.2, or undefined for v0.1 (every client reads it). */
export function mediaTypeWarning(mediaType: string, file: string): string | undefined {
  if (mediaType !== TRUSTED_ROOT_V02) return undefined;
  return `${file}: media type ${TRUSTED_ROOT_V02} is refused by clients: ${TRUSTED_ROOT_V02_REFUSED_BY}`;
}

/** The media type written into a new trusted_root.json of the given generation. */
export function trustedRootMediaType(version: TrustedRootVersion): string {
  return version === '0.1' ? TRUSTED_ROOT_V01_LEGACY : TRUSTED_ROOT_V02;
}
