import type { Command } from '../command.js';
import { hsmListCommand } from './hsm-list.js';
import { verifyCommand } from './verify.js';

/** Every subcommand the CLI knows, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [verifyCommand, hsmListCommand];
