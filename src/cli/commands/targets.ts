import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { manifestFormatOf } from '../../ceremony/manifest.js';
import { routeTarget, type TargetRoute } from '../../ceremony/target-routing.js';
import { filterMap, hasOwn, setOwn } from '../../metadata/build-own.js';
import { checkTargetPath } from '../../metadata/build-targets.js';
import { CeremonyError } from '../../metadata/errors.js';
import { isJsonObject } from '../../metadata/json.js';
import { utf16OrderConflict, utf16OrderConflictDeep } from '../../metadata/utf16-order.js';
import { copyFileAtomic } from '../../repo/atomic-write.js';
import { listInputPaths, roleInputDir, rolesWithInput } from '../../repo/target-inputs.js';
import { readTargetOwners } from '../../repo/target-owners.js';
import { readTargetsCustom, writeTargetsCustom } from '../../repo/targets-custom.js';
import { boolFlag, EXIT, stringFlag, type Command, JSON_OPTION } from '../command.js';
import { userFileError } from '../fs-errors.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, loadPlan } from '../ceremony-context.js';
import { chosenRoute, describeRoute, inputRoles, MANIFEST_FORMAT_OPTION } from '../target-roles.js';
import { readRemovalManifest, removalFor, removalLines } from './targets-import.js';
import { checkVisibleKeys } from '../../metadata/terminal-text.js';

const NEXT =
  'run tuf-ceremony stage (stage --restage while a ceremony is staged) to stage the new targets version';

function parseCustom(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new CeremonyError(
      'USAGE',
      '--custom must be a JSON object, e.g. {"sigstore":{"usage":"Fulcio"}}',
    );
  }
  if (!isJsonObject(value)) throw new CeremonyError('USAGE', '--custom must be a JSON object');
  checkVisibleKeys(value, '--custom');
  return value;
}

/**
 * Refuses paths whose UTF-16 order differs from their code-point order within one role, and such
 * keys in --custom: tuf-js re-canonicalizes with UTF-16 order and would reject the whole role.
 */
async function checkClientOrder(
  root: string,
  inputs: readonly { path: string; route: TargetRoute }[],
  custom: unknown,
): Promise<void> {
  const conflict = utf16OrderConflictDeep(custom);
  if (conflict) {
    throw new CeremonyError(
      'USAGE',
      `--custom: keys ${JSON.stringify(conflict[0])} and ${JSON.stringify(conflict[1])} sort differently by UTF-16 and by code point; tuf-js would reject the role (use other keys)`,
    );
  }
  for (const role of new Set(inputs.map((i) => i.route.role))) {
    const added = inputs.filter((i) => i.route.role === role).map((i) => i.path);
    const existing = (await listInputPaths(roleInputDir(root, role))) ?? [];
    const pair = utf16OrderConflict([...existing, ...added]);
    if (pair) {
      throw new CeremonyError(
        'USAGE',
        `${JSON.stringify(pair[0])} and ${JSON.stringify(pair[1])}: target paths of role ${role} that sort differently by UTF-16 and by code point; tuf-js would reject the whole role (rename one); nothing was added`,
      );
    }
  }
}

/** `file` when it is a regular file that can be read, else a one-line error naming it as given. */
async function regularFile(file: string, shown: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw userFileError(err, shown);
  }
  if (info.isDirectory()) {
    throw new CeremonyError(
      'IO',
      `${shown}: is a directory where a file is expected; give a file (EISDIR)`,
      { file: shown },
    );
  }
  if (!info.isFile()) throw new CeremonyError('USAGE', `${shown}: not a regular file; give a file`);
  return file;
}

/** `tuf-ceremony targets add FILE...`: adds files to the inputs of the role clients search. */
export const targetsAddCommand: Command = {
  name: 'targets add',
  examples: [
    'tuf-ceremony targets add dist/app-1.0.tgz',
    'tuf-ceremony targets add trusted_root.json --custom \'{"sigstore":{"usage":"Unknown"}}\'',
  ],
  summary:
    'add (or replace) target files, routed to the delegated role clients search (or --role), with optional custom metadata; then stage',
  usage:
    'tuf-ceremony targets add FILE... [--dir DIR] [--path TARGET_PATH] [--role ROLE] [--custom JSON]',
  positionals: true,
  options: {
    ...DIR_OPTION,
    path: {
      type: 'string',
      valueName: 'TARGET_PATH',
      description: 'the target path clients ask for (one FILE only; default: the file name)',
    },
    role: {
      type: 'string',
      valueName: 'ROLE',
      description: 'the targets role to add to (default: the role clients search for the path)',
    },
    custom: {
      type: 'string',
      valueName: 'JSON',
      description: 'custom metadata (a JSON object) for these targets',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const { plan } = loaded;
    const root = loaded.paths.root;
    const files = args.positionals;
    if (files.length === 0)
      throw new CeremonyError(
        'USAGE',
        `targets add needs at least one FILE (usage: ${targetsAddCommand.usage})`,
      );
    const pathFlag = stringFlag(args, 'path');
    if (pathFlag !== undefined && files.length > 1)
      throw new CeremonyError('USAGE', '--path names one target: give one FILE with it');
    const roleFlag = stringFlag(args, 'role');
    const custom = parseCustom(stringFlag(args, 'custom'));
    // Read and check everything first: bad input writes nothing.
    const inputs = [];
    const { listings } = await readTargetOwners(root, plan, inputRoles(plan));
    for (const file of files) {
      const path = checkTargetPath(pathFlag ?? basename(file));
      const route =
        roleFlag === undefined ? routeTarget(plan, path) : chosenRoute(plan, roleFlag, path);
      const elsewhere = (await rolesWithInput(root, inputRoles(plan), path)).find(
        (r) => r !== route.role,
      );
      if (elsewhere !== undefined) {
        throw new CeremonyError(
          'USAGE',
          `${join(roleInputDir(root, elsewhere), path)}: ${path} is already a target of role ${elsewhere} (spec 5.6.7: clients use only the first role listing a path); run tuf-ceremony targets remove ${path} first`,
        );
      }
      const listedIn = [...listings].find(([, listing]) => listing.has(path))?.[0];
      if (listedIn !== undefined)
        throw new CeremonyError(
          'USAGE',
          `${path}: a target of role ${listedIn} known by listing (targets import); run tuf-ceremony targets remove ${path} first`,
        );
      inputs.push({ path, route, source: await regularFile(resolve(ctx.cwd, file), file) });
    }
    await checkClientOrder(root, inputs, custom);
    const customs = await readTargetsCustom(root);
    const added: { path: string; route: TargetRoute; length: number }[] = [];
    for (const { path, route, source } of inputs) {
      // Copied and hashed as a stream, never read whole into memory (targets may be several GiB).
      const dest = join(roleInputDir(root, route.role), path);
      const { length } = await copyFileAtomic(source, dest);
      if (custom !== undefined) setOwn(customs, path, custom);
      added.push({ path, route, length });
    }
    if (custom !== undefined) await writeTargetsCustom(root, customs);
    // Reported once every file is written: a reader that goes away cannot stop the batch halfway.
    if (boolFlag(args, 'json')) {
      const list = added.map(({ path, route, length }) => ({
        path,
        length,
        role: route.role,
        bin: route.bin ?? null,
      }));
      ctx.out(JSON.stringify({ added: list, next: NEXT }, null, 2));
      return EXIT.ok;
    }
    for (const { path, route, length } of added)
      ctx.out(`target ${path}: ${length} bytes, ${describeRoute(route)}`);
    ctx.out(NEXT);
    return EXIT.ok;
  },
};

/** `tuf-ceremony targets remove PATH...`: removes target paths from whichever role lists them. */
export const targetsRemoveCommand: Command = {
  name: 'targets remove',
  examples: [
    'tuf-ceremony targets remove app-0.9.tgz',
    'tuf-ceremony targets remove packages/a.tgz --role packages',
    'tuf-ceremony targets remove --manifest retired.jsonl',
  ],
  summary:
    'remove target paths (or every path of a manifest) from the role that holds them (or --role); then stage',
  usage:
    'tuf-ceremony targets remove TARGET_PATH... [--dir DIR] [--role ROLE] | --manifest FILE [--format jsonl|csv]',
  positionals: true,
  options: {
    ...DIR_OPTION,
    role: {
      type: 'string',
      valueName: 'ROLE',
      description: 'remove only from this targets role (default: whichever role holds the path)',
    },
    manifest: {
      type: 'string',
      description:
        'remove every path this manifest lists (JSON Lines "path" or the first CSV field)',
      valueName: 'FILE',
    },
    format: MANIFEST_FORMAT_OPTION,
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const { paths, plan } = await loadPlan(ceremonyDir(ctx, args));
    const root = paths.root;
    const manifest = stringFlag(args, 'manifest');
    if (manifest === undefined && args.positionals.length === 0)
      throw new CeremonyError(
        'USAGE',
        `targets remove needs a TARGET_PATH or --manifest FILE (usage: ${targetsRemoveCommand.usage})`,
      );
    if (manifest !== undefined && args.positionals.length > 0)
      throw new CeremonyError('USAGE', 'give TARGET_PATHs or --manifest FILE, not both');
    const removal = await removalFor(root, plan, stringFlag(args, 'role'));
    if (manifest !== undefined) {
      const file = resolve(ctx.cwd, manifest);
      await readRemovalManifest(removal, {
        file,
        format: manifestFormatOf(file, stringFlag(args, 'format')),
      });
    } else {
      for (const path of new Set(args.positionals.map((p) => checkTargetPath(p)))) {
        const problem = removal.add(path);
        if (problem !== undefined)
          throw new CeremonyError('TARGET_NOT_FOUND', `${problem}; nothing was removed`);
      }
    }
    const customs = await readTargetsCustom(root);
    const removedFiles = removal.filePaths();
    const removed = await removal.apply(root);
    if (removedFiles.some((path) => hasOwn(customs, path))) {
      const gone = new Set(removedFiles);
      await writeTargetsCustom(
        root,
        filterMap(customs, (path) => !gone.has(path)),
      );
    }
    if (boolFlag(args, 'json')) {
      const list = removed.map(({ path, role }) => ({ path, role }));
      ctx.out(JSON.stringify({ removed: list, next: NEXT }, null, 2));
      return EXIT.ok;
    }
    for (const line of removalLines(removed)) ctx.out(line);
    ctx.out(NEXT);
    return EXIT.ok;
  },
};
