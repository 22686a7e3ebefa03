/** A GitHub repository named by its owner and name, e.g. `sigstore/root-signing`. */
export interface RepoName {
  owner: string;
  repo: string;
}

/** A repository parsed from a git remote URL, with the host it lives on. */
export interface RemoteRepo extends RepoName {
  host: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

function build(host: string, path: string): RemoteRepo | undefined {
  const parts = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!NAME.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..') return undefined;
  return { host: host.toLowerCase(), owner, repo };
}

/**
 * Parses OWNER/NAME from a git remote URL: `https://host/owner/name(.git)`,
 * `ssh://git@host(:port)/owner/name(.git)` and scp-like `git@host:owner/name(.git)`.
 * Returns undefined for anything else (local paths, other layouts), so callers can ask for --repo.
 */
export function parseRemoteUrl(url: string): RemoteRepo | undefined {
  const text = url.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (scp !== null && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const [, host, path] = scp as unknown as [string, string, string];
    // A Windows drive letter (C:\...) is a path, not a host.
    return host.length === 1 ? undefined : build(host, path);
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) {
    return undefined;
  }
  return build(parsed.hostname, decodeURIComponent(parsed.pathname));
}

/** Parses `OWNER/NAME` as given to --repo; undefined when it is not exactly that. */
export function parseRepoName(text: string): RepoName | undefined {
  const parts = text.trim().split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!NAME.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..') return undefined;
  return { owner, repo };
}

/** `owner/name`. */
export function repoFullName(r: RepoName): string {
  return `${r.owner}/${r.repo}`;
}
