import { CeremonyError } from '../metadata/errors.js';

/**
 * Checks a service URL written into trust material: absolute https, no credentials, query,
 * fragment or trailing slash (a log's base URL is also its checkpoint origin, compared as text).
 */
export function checkServiceUrl(url: string, flag: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CeremonyError('USAGE', `${flag}: "${url}" is not an absolute URL`);
  }
  const problem =
    parsed.protocol !== 'https:'
      ? 'must use https://'
      : parsed.username !== '' || parsed.password !== ''
        ? 'must not carry credentials'
        : parsed.search !== '' || parsed.hash !== '' || url.includes('?') || url.includes('#')
          ? 'must not have a query or fragment'
          : url.endsWith('/')
            ? 'must not end with "/"'
            : undefined;
  if (problem !== undefined) throw new CeremonyError('USAGE', `${flag}: "${url}" ${problem}`);
  return url;
}

/** Checks an operator name: a scheme-less URI such as `sigstore.dev` (protobuf-specs). */
export function checkOperator(operator: string, flag: string): string {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(\/[\x21-\x7e]*)?$/.test(operator)) {
    throw new CeremonyError(
      'USAGE',
      `${flag}: "${operator}" must be a scheme-less URI such as sigstore.dev`,
    );
  }
  return operator;
}
