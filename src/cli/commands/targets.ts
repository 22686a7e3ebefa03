import { readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { checkTargetPath } from '../../metadata/build-targets.js';
import { CeremonyError } from '../../metadata/errors.js';
import { isJsonObject } from '../../metadata/json.js';
import { prettyJson } from '../../metadata/serialize.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { readTargetsCustom, targetInputPaths } from '../../repo/target-inputs.js';
import { stringFlag, type Command } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';

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
  return value;
}

/** `tuf-ceremony targets add FILE...`: adds files to the top-level targets role's inputs. */
export const targetsAddCommand: Command = {
  name: 'targets add',
  summary:
    'add (or replace) target files of the targets role, with optional custom metadata; then stage',
  usage: 'tuf-ceremony targets add FILE... [--dir DIR] [--path TARGET_PATH] [--custom JSON]',
  positionals: true,
  options: { ...DIR_OPTION, path: { type: 'string' }, custom: { type: 'string' } },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const files = args.positionals;
    if (files.length === 0)
      throw new CeremonyError(
        'USAGE',
        `targets add needs at least one FILE (usage: ${targetsAddCommand.usage})`,
      );
    const pathFlag = stringFlag(args, 'path');
    if (pathFlag !== undefined && files.length > 1)
      throw new CeremonyError('USAGE', '--path names one target: give one FILE with it');
    const custom = parseCustom(stringFlag(args, 'custom'));
    // Read and check everything first: bad input writes nothing.
    const inputs = await Promise.all(
      files.map(async (file) => ({
        path: checkTargetPath(pathFlag ?? basename(file)),
        bytes: await readFile(resolve(ctx.cwd, file)),
      })),
    );
    const { dir, custom: customFile } = targetInputPaths(loaded.paths.root);
    const customs = await readTargetsCustom(loaded.paths.root);
    for (const { path, bytes } of inputs) {
      await writeFileAtomic(join(dir, path), bytes);
      if (custom !== undefined) customs[path] = custom;
      ctx.out(`target ${path}: ${bytes.length} bytes`);
    }
    if (custom !== undefined) await writeFileAtomic(customFile, prettyJson(customs));
    ctx.out(NEXT);
    return 0;
  },
};

/** `tuf-ceremony targets remove PATH...`: removes target paths from the targets role's inputs. */
export const targetsRemoveCommand: Command = {
  name: 'targets remove',
  summary: 'remove target paths from the targets role; then stage',
  usage: 'tuf-ceremony targets remove TARGET_PATH... [--dir DIR]',
  positionals: true,
  options: { ...DIR_OPTION },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    if (args.positionals.length === 0)
      throw new CeremonyError(
        'USAGE',
        `targets remove needs a TARGET_PATH (usage: ${targetsRemoveCommand.usage})`,
      );
    const { dir, custom: customFile } = targetInputPaths(loaded.paths.root);
    const paths = args.positionals.map((p) => checkTargetPath(p));
    for (const path of paths) {
      try {
        await readFile(join(dir, path));
      } catch {
        throw new CeremonyError(
          'TARGET_NOT_FOUND',
          `${join(dir, path)}: no such target input; nothing was removed`,
        );
      }
    }
    const customs = await readTargetsCustom(loaded.paths.root);
    for (const path of paths) {
      await rm(join(dir, path));
      ctx.out(`target ${path} removed`);
    }
    const kept = Object.fromEntries(
      Object.entries(customs).filter(([path]) => !paths.includes(path)),
    );
    await writeFileAtomic(customFile, prettyJson(kept));
    ctx.out(NEXT);
    return 0;
  },
};
