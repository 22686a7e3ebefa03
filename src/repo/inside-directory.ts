import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The real path `path` would have: symlinks resolved through its nearest existing ancestor, the
 * missing rest appended (a key file about to be written does not exist yet).
 */
export async function realpathOfNearest(path: string): Promise<string> {
  let current = resolve(path);
  const rest: string[] = [];
  // Bounded by the depth of the path: each step goes one folder up.
  for (;;) {
    try {
      return join(await realpath(current), ...rest);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      rest.unshift(basename(current));
      current = parent;
    }
  }
}

/** Whether `path` is `dir` or below it, both resolved through symlinks. */
export async function isInsideDirectory(dir: string, path: string): Promise<boolean> {
  const [realDir, real] = await Promise.all([realpathOfNearest(dir), realpathOfNearest(path)]);
  const rel = relative(realDir, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
