import { TOOL_VERSION } from './tool-version.js';

/**
 * How a generated workflow gets tuf-ceremony: `npm ci` from the ceremony repository's committed
 * package.json and package-lock.json (exact version and integrity hash), or, where no lockfile
 * exists, the exact `tuf-ceremony@X.Y.Z` from the registry. Never a bare, floating name.
 */
export type ToolInstall = { kind: 'lockfile' } | { kind: 'exact'; version: string };

/** Options shared by the generated workflows. */
export interface WorkflowToolOptions {
  /** Default: the exact version of this tuf-ceremony. */
  install?: ToolInstall;
  /** Node.js major version for the runner (default 22). */
  nodeVersion?: number;
}

/** An exact release version (semver, no range). */
export const EXACT_VERSION =
  /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$/;

/** The install mode, the command prefix that runs the tool, and the Node.js version, checked. */
export function workflowTool(options: WorkflowToolOptions): {
  install: ToolInstall;
  tool: string;
  node: number;
} {
  const install = options.install ?? { kind: 'exact', version: TOOL_VERSION };
  const node = options.nodeVersion ?? 22;
  if (install.kind === 'exact' && !EXACT_VERSION.test(install.version)) {
    throw new Error(`invalid tuf-ceremony version ${install.version}: must be exact X.Y.Z`);
  }
  if (!Number.isInteger(node) || node < 22)
    throw new Error(`invalid Node.js version ${node} (22 or later)`);
  const tool =
    install.kind === 'lockfile'
      ? 'npx --no-install tuf-ceremony'
      : `npx --yes tuf-ceremony@${install.version}`;
  return { install, tool, node };
}
