import { CancelledError, CeremonyError } from '../metadata/errors.js';

// The only module that talks to @inquirer/prompts. Commands receive a Prompter, so tests can
// script the answers and fail on any question they did not expect.

/** One choice of a select prompt. */
export interface Choice<T extends string> {
  value: T;
  name?: string;
  description?: string;
}

/** Questions a command may ask a person at the terminal. */
export interface Prompter {
  /** Hidden input (passphrases, PINs); echoes nothing, not even a mask character per key. */
  password(message: string): Promise<string>;
  confirm(message: string, defaultAnswer: boolean): Promise<boolean>;
  select<T extends string>(message: string, choices: readonly Choice<T>[]): Promise<T>;
  input(message: string, defaultAnswer?: string): Promise<string>;
}

/** Ctrl-C (ExitPromptError) becomes CancelledError; anything else passes through. */
export async function cancellable<T>(question: Promise<T>): Promise<T> {
  try {
    return await question;
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') {
      throw new CancelledError('cancelled at a prompt', { cause: err });
    }
    throw err;
  }
}

// Loaded on the first question only: commands run from flags (sign-offline --yes) start faster.
const inquirer = () => import('@inquirer/prompts');

/** Prompts in the terminal through @inquirer/prompts. */
export class InquirerPrompter implements Prompter {
  async password(message: string): Promise<string> {
    const { password } = await inquirer();
    // No mask: a row of `*` would show the secret's length to anyone watching the screen.
    return cancellable(password({ message, mask: false }));
  }

  async confirm(message: string, defaultAnswer: boolean): Promise<boolean> {
    const { confirm } = await inquirer();
    return cancellable(confirm({ message, default: defaultAnswer }));
  }

  async select<T extends string>(message: string, choices: readonly Choice<T>[]): Promise<T> {
    const { select } = await inquirer();
    return cancellable(
      select<T>({
        message,
        choices: choices.map((c) => ({
          value: c.value,
          name: c.name ?? c.value,
          ...(c.description === undefined ? {} : { description: c.description }),
        })),
      }),
    );
  }

  async input(message: string, defaultAnswer?: string): Promise<string> {
    const { input } = await inquirer();
    return cancellable(
      input({ message, ...(defaultAnswer === undefined ? {} : { default: defaultAnswer }) }),
    );
  }
}

let terminal: Prompter | undefined;

/** The terminal prompter (one per process). */
export function terminalPrompter(): Prompter {
  terminal ??= new InquirerPrompter();
  return terminal;
}

/** Used without a terminal: every question is a usage error naming the flag to pass instead. */
export class NoTerminalPrompter implements Prompter {
  constructor(private readonly hint = 'pass the answer as a flag or environment variable') {}

  private refuse(message: string): Promise<never> {
    return Promise.reject(
      new CeremonyError('USAGE', `no terminal to ask "${message}"; ${this.hint}`),
    );
  }

  password(message: string): Promise<string> {
    return this.refuse(message);
  }

  confirm(message: string): Promise<boolean> {
    return this.refuse(message);
  }

  select<T extends string>(message: string): Promise<T> {
    return this.refuse(message);
  }

  input(message: string): Promise<string> {
    return this.refuse(message);
  }
}

function settle<T>(answer: () => T): Promise<T> {
  // A throw inside the executor rejects the promise.
  return new Promise<T>((resolve) => {
    resolve(answer());
  });
}

/** One expected question and its answer, for ScriptedPrompter. */
export interface ScriptedAnswer {
  kind: 'password' | 'confirm' | 'select' | 'input';
  /** The question must contain this text (or match this pattern). */
  match: string | RegExp;
  answer: string | boolean;
}

/** Answers from a script, in order; any unexpected question fails (for tests and rehearsals). */
export class ScriptedPrompter implements Prompter {
  readonly asked: string[] = [];
  private readonly queue: ScriptedAnswer[];

  constructor(script: readonly ScriptedAnswer[]) {
    this.queue = [...script];
  }

  /** Number of scripted answers not yet used. */
  get remaining(): number {
    return this.queue.length;
  }

  private next(kind: ScriptedAnswer['kind'], message: string): string | boolean {
    this.asked.push(message);
    const step = this.queue.shift();
    const fits =
      step?.kind === kind &&
      (typeof step.match === 'string' ? message.includes(step.match) : step.match.test(message));
    if (!step || !fits) throw new Error(`unexpected ${kind} question: "${message}"`);
    return step.answer;
  }

  password(message: string): Promise<string> {
    return settle(() => String(this.next('password', message)));
  }

  confirm(message: string): Promise<boolean> {
    return settle(() => this.next('confirm', message) === true);
  }

  select<T extends string>(message: string, choices: readonly Choice<T>[]): Promise<T> {
    return settle(() => {
      const answer = String(this.next('select', message));
      const choice = choices.find((c) => c.value === answer);
      if (!choice) throw new Error(`scripted answer "${answer}" is not a choice of "${message}"`);
      return choice.value;
    });
  }

  input(message: string): Promise<string> {
    return settle(() => String(this.next('input', message)));
  }
}
