import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Plan } from '../../ceremony/plan.js';
import {
  checkRoleForPath,
  inputRoleOf,
  routeTarget,
  TOP_LEVEL_TARGETS,
  type TargetRoute,
} from '../../ceremony/target-routing.js';
import { filterMap, hasOwn, setOwn } from '../../metadata/build-own.js';
import { checkTargetPath } from '../../metadata/build-targets.js';
import { CeremonyError } from '../../metadata/errors.js';
import { isJsonObject } from '../../metadata/json.js';
import { copyFileAtomic } from '../../repo/atomic-write.js';
import { mapBounded } from '../../repo/parallel.js';
import { userFileError } from '../fs-errors.js';
import { removeTargetInput, roleInputDir, rolesWithInput } from '../../repo/target-inputs.js';
import { readTargetsCustom, writeTargetsCustom } from '../../repo/targets-custom.js';
import { boolFlag, EXIT, stringFlag, type Command, JSON_OPTION } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { checkVisibleKeys } from '../../metadata/terminal-text.js';

/** How many target files are read and checked at once. */
const READ_PARALLELISM = 16;

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

/** Every targets role that has an input folder: targets, then the plan's delegations. */
function inputRoles(plan: Plan): string[] {
  return [TOP_LEVEL_TARGETS, ...plan.delegations.map((d) => d.name)];
}

/** The input role `--role` names: targets, a delegation, or (for bins) one bin's delegation. */
function roleOfFlag(plan: Plan, role: string): string {
  const found = inputRoleOf(plan, role);
  if (found !== undefined) return found;
  throw new CeremonyError(
    'USAGE',
    `${plan.file}: no targets role "${role}" (targets roles: ${inputRoles(plan).join(', ')})`,
  );
}

/** Where `--role` puts a path, refusing a role clients would not search for it. */
function chosenRoute(plan: Plan, role: string, path: string): TargetRoute {
  const route = checkRoleForPath(plan, roleOfFlag(plan, role), path);
  // TAP 15: a client looks for the path only in the bin its hash selects.
  if (route.bin !== undefined && role !== route.role && role !== route.bin) {
    throw new CeremonyError(
      'USAGE',
      `${path}: hashes into bin ${route.bin}, not ${role} (TAP 15: the first bit_length bits of sha256 of the path choose the bin)`,
    );
  }
  return route;
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

function describe(route: TargetRoute): string {
  return route.bin === undefined ? `role ${route.role}` : `role ${route.role}, bin ${route.bin}`;
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
    // Read and check everything first (a bounded number of files at once): bad input writes nothing.
    const inputs = await mapBounded(files, READ_PARALLELISM, async (file) => {
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
      return { path, route, source: await regularFile(resolve(ctx.cwd, file), file) };
    });
    const customs = await readTargetsCustom(root);
    const added: { path: string; route: TargetRoute; length: number }[] = [];
    for (const { path, route, source } of inputs) {
      // Copied and hashed as a stream, never read whole into memory (targets may be several GiB).
      const dest = join(roleInputDir(root, route.role), path);
      const { length } = await copyFileAtomic(source, dest);
      added.push({ path, route, length });
    }
    if (custom !== undefined) for (const { path } of inputs) setOwn(customs, path, custom);
    if (custom !== undefined) await writeTargetsCustom(root, customs);
    // Reported once every file is written: a reader that goes away cannot stop the batch halfway.
    if (boolFlag(args, 'json')) {
      ctx.out(
        JSON.stringify(
          {
            added: added.map(({ path, route, length }) => ({
              path,
              length,
              role: route.role,
              bin: route.bin ?? null,
            })),
            next: NEXT,
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    for (const { path, route, length } of added) {
      ctx.out(`target ${path}: ${length} bytes, ${describe(route)}`);
    }
    ctx.out(NEXT);
    return 0;
  },
};

/** `tuf-ceremony targets remove PATH...`: removes target paths from whichever role lists them. */
export const targetsRemoveCommand: Command = {
  name: 'targets remove',
  examples: [
    'tuf-ceremony targets remove app-0.9.tgz',
    'tuf-ceremony targets remove packages/a.tgz --role packages',
  ],
  summary: 'remove target paths from the role that holds them (or --role); then stage',
  usage: 'tuf-ceremony targets remove TARGET_PATH... [--dir DIR] [--role ROLE]',
  positionals: true,
  options: {
    ...DIR_OPTION,
    role: {
      type: 'string',
      valueName: 'ROLE',
      description: 'remove only from this targets role (default: whichever role holds the path)',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const { plan } = loaded;
    const root = loaded.paths.root;
    if (args.positionals.length === 0)
      throw new CeremonyError(
        'USAGE',
        `targets remove needs a TARGET_PATH (usage: ${targetsRemoveCommand.usage})`,
      );
    const roleFlag = stringFlag(args, 'role');
    const roles = roleFlag === undefined ? inputRoles(plan) : [roleOfFlag(plan, roleFlag)];
    const removals: { path: string; role: string }[] = [];
    for (const path of new Set(args.positionals.map((p) => checkTargetPath(p)))) {
      const found = await rolesWithInput(root, roles, path);
      const [role] = found;
      if (role === undefined) {
        const where = roles.map((r) => roleInputDir(root, r)).join(', ');
        throw new CeremonyError(
          'TARGET_NOT_FOUND',
          `${path}: no such target input in ${where}; nothing was removed`,
        );
      }
      if (found.length > 1) {
        throw new CeremonyError(
          'USAGE',
          `${path}: a target input of ${found.join(' and ')}; name one with --role; nothing was removed`,
        );
      }
      removals.push({ path, role });
    }
    const customs = await readTargetsCustom(root);
    for (const { path, role } of removals) await removeTargetInput(root, role, path);
    if (removals.some(({ path }) => hasOwn(customs, path))) {
      const removed = new Set(removals.map(({ path }) => path));
      await writeTargetsCustom(
        root,
        filterMap(customs, (path) => !removed.has(path)),
      );
    }
    if (boolFlag(args, 'json')) {
      ctx.out(JSON.stringify({ removed: removals, next: NEXT }, null, 2));
      return EXIT.ok;
    }
    for (const { path, role } of removals) ctx.out(`target ${path} removed from role ${role}`);
    ctx.out(NEXT);
    return 0;
  },
};
