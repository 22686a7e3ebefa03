export { Git, type ChangedPath, type CommitOptions, type GitOptions } from './git.js';
export { gitError, redactUrls, summarizeGitStderr } from './git-errors.js';
export {
  ceremonyBranch,
  ceremonyCommitMessage,
  commitCeremonyStep,
  holderBranch,
  type CeremonyStep,
} from './ceremony-git.js';
export {
  parseRemoteUrl,
  parseRepoName,
  repoFullName,
  type RemoteRepo,
  type RepoName,
} from './github-remote.js';
export {
  GitHubClient,
  type CommentInfo,
  type GitHubClientOptions,
  type PullInfo,
  type RepoAccess,
} from './github.js';
export {
  explainGitHubError,
  isPullAlreadyExists,
  type GitHubErrorContext,
} from './github-errors.js';
export {
  DEFAULT_GITHUB_API_URL,
  githubSettingsFromEnv,
  type GitHubSettings,
} from './github-settings.js';
export {
  countedKeys,
  roleThresholdMet,
  rolesAndVersions,
  type CeremonyStatusView,
  type PreviousRootView,
  type RoleStatusView,
} from './status-view.js';
export {
  ceremonyIdOfBody,
  renderHolderPrBody,
  renderHolderPrTitle,
  renderPrBody,
  renderPrTitle,
  renderStatusSection,
} from './pr-body.js';
export {
  finalizedComment,
  signatureLandedComment,
  thresholdsMetComment,
  type MarkedComment,
} from './comments.js';
export { publishCeremony, type PublishRequest, type PublishResult } from './publish.js';
export { resolveGitHubRepo } from './target.js';
export { CHECK_WORKFLOW_PATH, renderCheckWorkflow, type CheckWorkflowOptions } from './workflow.js';
export { auditWorkflow, lockfilePinsTool } from './workflow-audit.js';
export { statusViewFrom } from './from-ceremony.js';
export { classifyPullScope, type PullScope } from './pr-scope.js';
export { forkOwner, onHolderBranch } from './fork.js';
export { commitFirstBase } from './fresh-repo.js';
