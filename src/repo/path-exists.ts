import { access } from 'node:fs/promises';

/** True when something exists at `path` (file or directory), false when it cannot be reached. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
