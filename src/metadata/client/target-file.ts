import { delegationsFor } from '../delegation.js';
import type { TargetFile } from '../model.js';
import { checkLengthAndHashes, fail, guarded, tooLarge } from './checks.js';
import type { TargetsTree } from './delegation-walk.js';
import type { TargetReport } from './report.js';
import type { MetadataSource } from './source.js';

/** True for a relative path without empty, `.` or `..` segments (it cannot leave targets/). */
export function isSafeTargetPath(path: string): boolean {
  if (path === '' || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Spec 5.7.2 / 5.6.7: pre-order depth-first search of the delegation tree; delegations are tried
 * in listed order, and a terminating delegation ends the search when it does not have the target.
 */
export function findTarget(
  tree: TargetsTree,
  path: string,
): { role: string; info: TargetFile } | undefined {
  const stack = ['targets'];
  const visited = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (visited.has(name)) continue;
    visited.add(name);
    const role = tree.get(name);
    if (role === undefined) continue;
    if (Object.hasOwn(role.targets, path)) {
      return { role: name, info: role.targets[path] as TargetFile };
    }
    if (role.delegations === undefined) continue;
    const toVisit: string[] = [];
    for (const match of delegationsFor(role.delegations, path)) {
      toVisit.push(match.name);
      if (match.terminating) {
        stack.length = 0;
        break;
      }
    }
    for (let i = toVisit.length - 1; i >= 0; i--) stack.push(toVisit[i] as string);
  }
  return undefined;
}

/** Spec 5.7.3: target file names, `<dir>/<hash>.<basename>` for each listed hash when consistent. */
export function targetFileNames(path: string, info: TargetFile, consistent: boolean): string[] {
  if (!consistent) return [path];
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  return Object.values(info.hashes).map((hash) => `${dir}${hash}.${base}`);
}

/** Spec 5.7: finds a target through the delegation tree, fetches it, checks length and hashes. */
export async function verifyTarget(
  source: MetadataSource,
  tree: TargetsTree,
  path: string,
  consistent: boolean,
): Promise<TargetReport> {
  if (!isSafeTargetPath(path)) {
    fail('TARGET_NOT_FOUND', 'target', path, 'not a relative target path', '5.7: target paths');
  }
  const found = findTarget(tree, path);
  if (found === undefined) {
    fail(
      'TARGET_NOT_FOUND',
      'target',
      path,
      'no trusted targets role lists it',
      '5.7.2: search the delegation tree',
    );
  }
  const { role, info } = found;
  const names = targetFileNames(path, info, consistent);
  for (const file of names) {
    const label = `target listed by ${role}`;
    const bytes = await guarded(label, file, info.length, () =>
      source.fetchTarget(file, info.length),
    );
    if (bytes === undefined) continue;
    if (bytes.length > info.length) tooLarge(`target listed by ${role}`, file, info.length);
    // spec 5.7.3: the file must match the length and hashes its targets role lists.
    checkLengthAndHashes(
      bytes,
      info,
      `target listed by ${role}`,
      file,
      '5.7.3: target length and hashes',
      role,
    );
    return { path, file, length: info.length, hashes: info.hashes, role };
  }
  fail(
    'FILE_MISSING',
    `target listed by ${role}`,
    names.join(' or '),
    'file not found',
    '5.7.3: fetch the target',
  );
}
