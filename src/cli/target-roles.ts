import type { Plan } from '../ceremony/plan.js';
import {
  checkRoleForPath,
  inputRoleOf,
  TOP_LEVEL_TARGETS,
  type TargetRoute,
} from '../ceremony/target-routing.js';
import { CeremonyError } from '../metadata/errors.js';
import type { OptionDef } from './command.js';

// The targets roles the targets commands put inputs into, and the checks on `--role`.

/** Every targets role that has inputs: targets, then the plan's delegations. */
export function inputRoles(plan: Plan): string[] {
  return [TOP_LEVEL_TARGETS, ...plan.delegations.map((d) => d.name)];
}

/** The input role `--role` names: targets, a delegation, or (for bins) one bin's delegation. */
export function roleOfFlag(plan: Plan, role: string): string {
  const found = inputRoleOf(plan, role);
  if (found !== undefined) return found;
  throw new CeremonyError(
    'USAGE',
    `${plan.file}: no targets role "${role}" (targets roles: ${inputRoles(plan).join(', ')})`,
  );
}

/** Where `--role` puts a path, refusing a role clients would not search for it. */
export function chosenRoute(plan: Plan, role: string, path: string): TargetRoute {
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

/** `role R` or `role R, bin B`. */
export function describeRoute(route: TargetRoute): string {
  return route.bin === undefined ? `role ${route.role}` : `role ${route.role}, bin ${route.bin}`;
}

/** `--format` of a manifest. */
export const MANIFEST_FORMAT_OPTION: OptionDef = {
  type: 'string',
  description: 'manifest format: jsonl or csv (default: csv for a .csv file, else jsonl)',
  valueName: 'FORMAT',
};
