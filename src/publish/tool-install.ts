import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TOOL_VERSION } from './tool-version.js';
import { lockfilePinsTool } from './workflow-audit.js';
import type { ToolInstall } from './workflow-tool.js';

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * How the workflows of the ceremony in `dir` install tuf-ceremony: from its committed
 * package-lock.json when that pins tuf-ceremony (exact version, integrity hash), otherwise the
 * exact version of this tuf-ceremony (no lockfile can be written without a registry).
 */
export async function toolInstallFor(dir: string): Promise<ToolInstall> {
  const manifest = await readText(join(dir, 'package.json'));
  const lock = await readText(join(dir, 'package-lock.json'));
  return manifest !== undefined && lockfilePinsTool(lock)
    ? { kind: 'lockfile' }
    : { kind: 'exact', version: TOOL_VERSION };
}
