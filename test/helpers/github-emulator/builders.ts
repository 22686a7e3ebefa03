/**
 * Builds the JSON objects the emulator returns, with every property GitHub's description
 * requires (checked against it on every response, so a missing one fails the test).
 */

/** Stored state of one emulated repository. */
export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
}

/** Stored state of one pull request. */
export interface PullRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  user: string;
  head: { owner: string; repo: string; ref: string; sha: string };
  base: { ref: string; sha: string };
  maintainerCanModify: boolean;
  createdAt: string;
  updatedAt: string;
  comments: number;
}

/** Stored state of one issue comment. */
export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

/** Where the emulator lives: API base and the web base used in html_url fields. */
export interface Urls {
  api: string;
  web: string;
}

function idOf(text: string): number {
  let h = 7;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return h;
}

/** A simple-user object. */
export function simpleUser(u: Urls, login: string): Record<string, unknown> {
  const api = `${u.api}/users/${login}`;
  return {
    login,
    id: idOf(login),
    node_id: `U_${login}`,
    avatar_url: `${u.web}/avatars/${login}`,
    gravatar_id: '',
    url: api,
    html_url: `${u.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    site_admin: false,
    user_view_type: 'public',
  };
}

/** The authenticated user (private-user, as GET /user returns it). */
export function privateUser(u: Urls, login: string, now: string): Record<string, unknown> {
  return {
    ...simpleUser(u, login),
    user_view_type: 'private',
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: now,
    updated_at: now,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

function repoUrls(u: Urls, full: string): Record<string, string> {
  const api = `${u.api}/repos/${full}`;
  const names = [
    ['archive', '/{archive_format}{/ref}'],
    ['assignees', '{/user}'],
    ['blobs', '/git/blobs{/sha}'],
    ['branches', '{/branch}'],
    ['collaborators', '{/collaborator}'],
    ['comments', '{/number}'],
    ['commits', '{/sha}'],
    ['compare', '/compare/{base}...{head}'],
    ['contents', '/contents/{+path}'],
    ['contributors', ''],
    ['deployments', ''],
    ['downloads', ''],
    ['events', ''],
    ['forks', ''],
    ['git_commits', '/git/commits{/sha}'],
    ['git_refs', '/git/refs{/sha}'],
    ['git_tags', '/git/tags{/sha}'],
    ['hooks', ''],
    ['issue_comment', '/issues/comments{/number}'],
    ['issue_events', '/issues/events{/number}'],
    ['issues', '{/number}'],
    ['keys', '{/key_id}'],
    ['labels', '{/name}'],
    ['languages', ''],
    ['merges', ''],
    ['milestones', '{/number}'],
    ['notifications', '{?since,all,participating}'],
    ['pulls', '{/number}'],
    ['releases', '{/id}'],
    ['stargazers', ''],
    ['statuses', '/statuses/{sha}'],
    ['subscribers', ''],
    ['subscription', ''],
    ['tags', ''],
    ['teams', ''],
    ['trees', '/git/trees{/sha}'],
  ] as const;
  const out: Record<string, string> = {};
  for (const [name, suffix] of names) {
    const path = suffix.startsWith('/') ? suffix : `/${name}${suffix}`;
    out[`${name}_url`] = `${api}${path}`;
  }
  return out;
}

/** A repository object (the shape inside a pull request's head and base). */
export function repository(u: Urls, r: RepoRecord, now: string): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: full,
    owner: simpleUser(u, r.owner),
    private: r.private,
    html_url: `${u.web}/${full}`,
    description: null,
    fork: false,
    url: `${u.api}/repos/${full}`,
    ...repoUrls(u, full),
    git_url: `git://example.invalid/${full}.git`,
    ssh_url: `git@example.invalid:${full}.git`,
    clone_url: `${u.web}/${full}.git`,
    svn_url: `${u.web}/${full}`,
    mirror_url: null,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1,
    default_branch: r.defaultBranch,
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: now,
    created_at: now,
    updated_at: now,
  };
}

/** A full-repository object, as GET /repos/{owner}/{repo} returns it for the given token. */
export function fullRepository(
  u: Urls,
  r: RepoRecord,
  now: string,
  permissions: { admin: boolean; push: boolean; pull: boolean } | undefined,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ...repository(u, r, now),
    network_count: 0,
    subscribers_count: 0,
  };
  if (permissions !== undefined) base.permissions = permissions;
  return base;
}

function pullLinks(u: Urls, full: string, n: number, sha: string): Record<string, unknown> {
  const api = `${u.api}/repos/${full}`;
  return {
    self: { href: `${api}/pulls/${n}` },
    html: { href: `${u.web}/${full}/pull/${n}` },
    issue: { href: `${api}/issues/${n}` },
    comments: { href: `${api}/issues/${n}/comments` },
    review_comments: { href: `${api}/pulls/${n}/comments` },
    review_comment: { href: `${api}/pulls/comments{/number}` },
    commits: { href: `${api}/pulls/${n}/commits` },
    statuses: { href: `${api}/statuses/${sha}` },
  };
}

/** A pull-request-simple object (list responses). */
export function pullRequestSimple(
  u: Urls,
  r: RepoRecord,
  headRepo: RepoRecord,
  p: PullRecord,
  now: string,
): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  const api = `${u.api}/repos/${full}`;
  return {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: `PR_${p.id}`,
    html_url: `${u.web}/${full}/pull/${p.number}`,
    diff_url: `${u.web}/${full}/pull/${p.number}.diff`,
    patch_url: `${u.web}/${full}/pull/${p.number}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${p.head.sha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: simpleUser(u, p.user),
    body: p.body,
    labels: [],
    milestone: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${p.head.owner}:${p.head.ref}`,
      ref: p.head.ref,
      sha: p.head.sha,
      user: simpleUser(u, p.head.owner),
      repo: repository(u, headRepo, now),
    },
    base: {
      label: `${r.owner}:${p.base.ref}`,
      ref: p.base.ref,
      sha: p.base.sha,
      user: simpleUser(u, r.owner),
      repo: repository(u, r, now),
    },
    _links: pullLinks(u, full, p.number, p.head.sha),
    author_association: p.user === r.owner ? 'OWNER' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: p.draft,
  };
}

/** A pull-request object (single-PR responses). */
export function pullRequest(
  u: Urls,
  r: RepoRecord,
  headRepo: RepoRecord,
  p: PullRecord,
  now: string,
): Record<string, unknown> {
  return {
    ...pullRequestSimple(u, r, headRepo, p, now),
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: p.comments,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  };
}

/** An issue-comment object. */
export function issueComment(u: Urls, r: RepoRecord, c: CommentRecord): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${u.api}/repos/${full}/issues/comments/${c.id}`,
    html_url: `${u.web}/${full}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${u.api}/repos/${full}/issues/${c.issueNumber}`,
    body: c.body,
    user: simpleUser(u, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: c.user === r.owner ? 'OWNER' : 'CONTRIBUTOR',
  };
}
