import type { ExitCode } from './exit-codes.js';

/** One option of a command: what node:util parseArgs takes, plus what help shows. */
export interface OptionDef {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  default?: string | boolean | string[] | boolean[];
  /** One line for help: what the option does (and its default when `default` cannot say it). */
  description: string;
  /** Placeholder for the value in help (FILE, NAME, DURATION); string options only. */
  valueName?: string;
}

/** Options of a command, keyed by long name: the one declarative source for parsing and help. */
export type OptionSpec = Record<string, OptionDef>;

/** Parsed flags and positionals of one invocation. */
export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** What a command may use from the outside world; tests build their own. */
export interface CommandContext {
  /** Prints one line (or block) of normal output to stdout. */
  out: (text: string) => void;
  /** Prints a diagnostic to stderr. */
  err: (text: string) => void;
  /** Environment variables (secrets are read from variables named by flags, never from argv). */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory the command resolves relative paths against. */
  cwd: string;
  /** Current time in epoch ms (fixed by TUF_CEREMONY_NOW for reproducible runs). */
  now: () => number;
  /** True when stdin and stdout are a terminal, so prompts may be shown. */
  interactive: boolean;
  /** True when stderr is a terminal, so long work may draw a progress bar there. */
  progress?: boolean;
}

/** One subcommand: `name` may be several words (`key add`). Returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Longer help text shown by `COMMAND --help` below the summary. */
  description?: string;
  /** Example invocations shown by `COMMAND --help`. */
  examples?: readonly string[];
  /** What an exit code means for this command, where more precise than the shared table. */
  exitCodes?: Readonly<Partial<Record<ExitCode, string>>>;
  /** Whether the command accepts positional arguments (a usage error otherwise). */
  positionals?: boolean;
  /**
   * A ceremony command that may take signature checks earlier commands on this machine found
   * valid (src/repo/checked-signatures.ts); never a client-grade check such as verify.
   */
  reusesSignatureChecks?: boolean;
  run(ctx: CommandContext, args: ParsedArgs): Promise<number>;
}

export { EXIT } from './exit-codes.js';

/** The `--json` flag of every command whose output is data or a result. */
export const JSON_OPTION: OptionSpec = {
  json: {
    type: 'boolean',
    description:
      'print the result as one JSON document on stdout (errors too: {"error": {...}}); schemas in docs/schemas/',
  },
};

/** Reads a string flag. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a repeatable string flag. */
export function stringList(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** Reads a boolean flag. */
export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}
