import type { Command } from '../command.js';
import { logSummaryCommand } from './log-summary.js';
import { logVerifyCommand } from './log-verify.js';

/** The `log` subcommands: transcript verification and summary. */
export const logCommands: readonly Command[] = [logVerifyCommand, logSummaryCommand];
