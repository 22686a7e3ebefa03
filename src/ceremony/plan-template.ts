import YAML from 'yaml';
import { CeremonyError } from '../metadata/errors.js';
import { parsePlan } from './plan-yaml.js';

/** What `init` asks for when writing a fresh ceremony.yaml. */
export interface PlanTemplateOptions {
  /** Name of the trust root. */
  name: string;
  /** Short names of the people who hold keys (default alice, bob, carol). */
  holders?: readonly string[];
  /** Signatures needed for root and targets (default: a majority of the holders). */
  threshold?: number;
  /** Name of the automation identity for snapshot and timestamp (default `online`). */
  onlineHolder?: string;
  /** Default true. */
  consistentSnapshot?: boolean;
}

/** A YAML scalar that reads back as exactly this string (quoted when YAML would not). */
function scalar(text: string): string {
  let plain: boolean;
  try {
    plain = YAML.parse(text) === text && !/[#:[\]{},]/.test(text);
  } catch {
    plain = false;
  }
  return plain ? text : JSON.stringify(text);
}

function list(items: readonly string[]): string {
  return `[${items.map(scalar).join(', ')}]`;
}

/** A commented example ceremony.yaml for `init`; it always passes parsePlan. */
export function renderPlanTemplate(options: PlanTemplateOptions): string {
  const people = options.holders ?? ['alice', 'bob', 'carol'];
  const online = options.onlineHolder ?? 'online';
  const threshold = options.threshold ?? Math.floor(people.length / 2) + 1;
  if (people.length === 0)
    throw new CeremonyError('USAGE', 'a trust root needs at least one holder');
  if (new Set(people).size !== people.length) {
    throw new CeremonyError('USAGE', `holders are listed twice: ${people.join(', ')}`);
  }
  if (people.includes(online)) {
    throw new CeremonyError(
      'USAGE',
      `"${online}" names the online identity; choose another holder name`,
    );
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > people.length) {
    throw new CeremonyError(
      'USAGE',
      `threshold ${threshold} must be from 1 to the ${people.length} holders`,
    );
  }
  const offline = (expires: string, window: string): string =>
    `{ holders: ${list(people)}, threshold: ${threshold}, expires: ${expires}, signing_window: ${window} }`;
  const auto = (expires: string, window: string): string =>
    `{ holders: ${list([online])}, threshold: 1, expires: ${expires}, signing_window: ${window}, online: true }`;
  const text = [
    '# ceremony.yaml: the plan of this TUF trust root (plan format version 1).',
    '# tuf-ceremony reads this file and never rewrites it: edit it, then run `tuf-ceremony stage`.',
    '# Every rule is described in docs/ceremony-plan.md. Durations: 365d, 12h, 2w, 1d12h.',
    'version: 1',
    `name: ${scalar(options.name)}`,
    '# true: clients fetch N.<role>.json files (recommended for new trust roots).',
    `consistent_snapshot: ${options.consistentSnapshot === false ? 'false' : 'true'}`,
    '',
    '# Key holders by short name (lowercase; used in file and transcript names).',
    '# `name` and `email` are optional. `online: true` marks an automation identity that',
    '# signs the online roles (snapshot, timestamp) unattended.',
    'holders:',
    ...people.map((h) => `  ${scalar(h)}: {}`),
    `  ${scalar(online)}: { online: true }`,
    '',
    '# Each role: who holds its keys, how many of them must sign (threshold), how long a',
    '# version is valid (expires), and how long before expiry a new one is due (signing_window).',
    'roles:',
    `  root: ${offline('365d', '60d')}`,
    `  targets: ${offline('365d', '60d')}`,
    `  snapshot: ${auto('7d', '2d')}`,
    `  timestamp: ${auto('1d', '12h')}`,
    '',
    '# Delegated targets roles (optional), for example:',
    '# delegations:',
    '#   registry.example.org:',
    '#     delegated_by: targets',
    '#     paths: ["registry.example.org/*"]   # or succinct: { bit_length: 8, name_prefix: bins }',
    '#     terminating: true',
    `#     holders: ${list(people.slice(0, 1))}`,
    '#     threshold: 1',
    '#     expires: 90d',
    '#     signing_window: 30d',
    '',
  ].join('\n');
  parsePlan(text, 'ceremony.yaml');
  return text;
}
