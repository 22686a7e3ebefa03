import { CeremonyError } from '../metadata/errors.js';

/** The public API; GITHUB_API_URL overrides it (GitHub Actions sets it, also on Enterprise). */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** Where and as whom to talk to GitHub. */
export interface GitHubSettings {
  token: string;
  baseUrl: string;
}

/**
 * Reads GITHUB_TOKEN (else GH_TOKEN) and GITHUB_API_URL from `env`. A missing token is a
 * one-line error naming both variables and `--no-pr`.
 */
export function githubSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): GitHubSettings {
  const token = [env.GITHUB_TOKEN, env.GH_TOKEN].find((t) => t !== undefined && t.trim() !== '');
  if (token === undefined) {
    throw new CeremonyError(
      'PUBLISH',
      'no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or pass --no-pr to push without GitHub',
    );
  }
  const raw = env.GITHUB_API_URL?.trim();
  const baseUrl =
    raw === undefined || raw === '' ? DEFAULT_GITHUB_API_URL : raw.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new CeremonyError('PUBLISH', `GITHUB_API_URL "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CeremonyError('PUBLISH', `GITHUB_API_URL "${baseUrl}" must be an http(s) URL`);
  }
  return { token: token.trim(), baseUrl };
}
