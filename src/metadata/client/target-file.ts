import { delegationsFor } from '../delegation.js';
import type { TargetFile } from '../model.js';
import { digestHex } from '../bytes.js';
import { checkableHashes, checkMeasured, fail, guarded, tooLarge } from './checks.js';
import type { TargetsTree } from './targets-tree.js';
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

/**
 * A target's length and digests: streamed and hashed as it arrives when the source can (memory
 * stays bounded however long the listed length), else from its bytes.
 */
async function measureTarget(
  source: MetadataSource,
  file: string,
  info: TargetFile,
  label: string,
): Promise<{ length: number; digest: (algorithm: string) => string | undefined } | undefined> {
  if (source.digestTarget !== undefined) {
    const digestTarget = source.digestTarget.bind(source);
    const algorithms = checkableHashes(info);
    const streamed = await guarded(label, file, info.length, () =>
      digestTarget(file, info.length, algorithms),
    );
    if (streamed === undefined) return undefined;
    return { length: streamed.length, digest: (alg) => streamed.digests[alg] };
  }
  const bytes = await guarded(label, file, info.length, () =>
    source.fetchTarget(file, info.length),
  );
  if (bytes === undefined) return undefined;
  return { length: bytes.length, digest: (alg) => digestHex(alg, bytes) };
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
  const label = `target listed by ${role}`;
  const at = { role: label, rule: '5.7.3: target length and hashes', listedBy: role };
  for (const file of names) {
    const measured = await measureTarget(source, file, info, label);
    if (measured === undefined) continue;
    if (measured.length > info.length) tooLarge(label, file, info.length);
    // spec 5.7.3: the file must match the length and hashes its targets role lists.
    checkMeasured(measured, info, { ...at, file });
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

/**
 * The target path a file under targets/ would be a name of: the file itself, or with consistent
 * snapshots its basename without the `<hash>.` prefix (spec 5.7.3); undefined when it has none.
 */
export function targetPathOfFile(file: string, consistent: boolean): string | undefined {
  if (!consistent) return file;
  const slash = file.lastIndexOf('/');
  // Digests are at least 128 bits: 32 hex digits (a shorter prefix is part of the name).
  const prefixed = /^[0-9a-f]{32,}\.(.+)$/.exec(file.slice(slash + 1));
  return prefixed?.[1] === undefined ? undefined : file.slice(0, slash + 1) + prefixed[1];
}

/** The listed target a file under targets/ is a name of (spec 5.7.3), or undefined. */
export function listedTargetOfFile(
  tree: TargetsTree,
  file: string,
  consistent: boolean,
): { path: string; role: string; info: TargetFile } | undefined {
  const path = targetPathOfFile(file, consistent);
  if (path === undefined || !isSafeTargetPath(path)) return undefined;
  const found = findTarget(tree, path);
  if (found === undefined || !targetFileNames(path, found.info, consistent).includes(file))
    return undefined;
  return { path, ...found };
}

/**
 * Checks one file under targets/ byte for byte: it must be a name of a target the trusted
 * metadata lists (spec 5.7.2 / 5.7.3) and match that target's length and hashes.
 */
export async function verifyTargetFile(
  source: MetadataSource,
  tree: TargetsTree,
  file: string,
  consistent: boolean,
): Promise<TargetReport> {
  const listed = listedTargetOfFile(tree, file, consistent);
  if (listed === undefined) {
    fail(
      'TARGET_NOT_FOUND',
      'target file',
      `targets/${file}`,
      'not a file of any target a trusted targets role lists',
      '5.7.3: target file names',
    );
  }
  const { path, role, info } = listed;
  const label = `target listed by ${role}`;
  const named = `targets/${file}`;
  const measured = await measureTarget(source, file, info, label);
  if (measured === undefined) {
    fail('FILE_MISSING', label, named, 'file not found', '5.7.3: fetch the target');
  }
  if (measured.length > info.length) tooLarge(label, named, info.length);
  checkMeasured(measured, info, {
    role: label,
    file: named,
    rule: '5.7.3: target length and hashes',
    listedBy: role,
  });
  return { path, file, length: info.length, hashes: info.hashes, role };
}
