import { createRequire } from 'node:module';
import type { CommandContext } from './command.js';

// Progress of long work (import, stage, sign, finalize, verify of many roles): a bar with counts
// and rate on a terminal's stderr, nothing on a pipe or in --json mode. Commands print their own
// one-line summary at the end either way.

/** A running progress report. */
export interface Progress {
  /** Moves the count by `n` (default 1). */
  tick(n?: number): void;
  /** Sets the count. */
  set(value: number): void;
  /** Stops the bar (clearing it) and returns the elapsed milliseconds. */
  finish(): number;
}

/**
 * Formats a count with thousands separators (1,000,000) as toLocaleString('en-US') does; a safe
 * integer without loading the locale data (30 ms on a command's first call).
 */
export function count(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
}

/** Formats milliseconds as seconds with one decimal. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The bar library, loaded only when a bar is drawn: most runs print to a pipe. */
function progressBars(): typeof import('cli-progress') {
  return createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
}

/** Redraws at most this often: an update per item would cost more than the work itself. */
const REDRAW_MS = 100;

/**
 * Starts a progress report of `total` `unit`s; a bar only when `ctx.progress` says stderr is a
 * terminal and `quiet` (--json) is not set.
 */
export function startProgress(
  ctx: CommandContext,
  label: string,
  total: number,
  unit: string,
  quiet = false,
): Progress {
  const started = Date.now();
  let value = 0;
  if (ctx.progress !== true || quiet || total <= 0) {
    return {
      tick: (n = 1) => {
        value += n;
      },
      set: (v) => {
        value = v;
      },
      finish: () => Date.now() - started,
    };
  }
  const { Presets, SingleBar } = progressBars();
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { rate: '0' });
  let drawn = 0;
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - drawn < REDRAW_MS) return;
    drawn = now;
    const rate = Math.round((value * 1000) / Math.max(1, now - started));
    bar.update(Math.min(value, total), { rate: count(rate) });
  };
  return {
    tick: (n = 1) => {
      value += n;
      draw(false);
    },
    set: (v) => {
      value = v;
      draw(false);
    },
    finish: () => {
      draw(true);
      bar.stop();
      return Date.now() - started;
    },
  };
}
