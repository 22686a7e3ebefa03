import { describe, expect, it } from 'vitest';
import {
  changedEntry,
  printEdit,
  serviceEntry,
  type EditReport,
} from '../../../src/cli/commands/sigstore-edit-report.js';
import type { CommandContext } from '../../../src/cli/command.js';

const OLD = {
  url: 'https://a.dev',
  majorApiVersion: 1,
  validFor: { start: '2025-01-01T00:00:00Z' },
};
const NEW = {
  url: 'https://b.dev',
  majorApiVersion: 2,
  validFor: { start: '2026-01-01T00:00:00Z' },
};

function capture(): { ctx: CommandContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    cwd: '/',
    now: () => 0,
    interactive: false,
  };
  return { ctx, out, err };
}

const REPORT: EditReport = {
  file: '/x/signing_config.json',
  created: false,
  document: 'signing_config',
  action: 'add',
  kind: 'rekor',
  entry: serviceEntry(NEW),
  warnings: ['careful'],
  next: 'tuf-ceremony stage',
};

describe('changedEntry', () => {
  it('finds the entry an add inserted, wherever it sorts', () => {
    expect(changedEntry([OLD], [NEW, OLD])).toBe(NEW);
  });

  it('finds the entry an end closed', () => {
    const closed = { ...OLD, validFor: { ...OLD.validFor, end: '2027-01-01T00:00:00Z' } };
    expect(changedEntry([OLD, NEW], [closed, NEW])).toBe(closed);
  });

  it('refuses an edit that changed nothing', () => {
    expect(() => changedEntry([OLD], [OLD])).toThrow(/changed no entry/);
  });
});

describe('printEdit', () => {
  it('prints the warnings on stderr, the line and the next step for a person', () => {
    const { ctx, out, err } = capture();
    printEdit(ctx, { values: {}, positionals: [] }, REPORT, 'added rekor service');
    expect(err).toEqual(['warning: careful']);
    expect(out).toEqual(['added rekor service', 'next: tuf-ceremony stage']);
  });

  it('prints only the JSON report, warnings inside, with --json', () => {
    const { ctx, out, err } = capture();
    printEdit(ctx, { values: { json: true }, positionals: [] }, REPORT, 'added rekor service');
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    const printed = JSON.parse(out[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual([
      ...['file', 'created', 'document', 'action', 'kind', 'entry', 'warnings', 'next'],
    ]);
    expect(printed.entry).toEqual({
      url: 'https://b.dev',
      majorApiVersion: 2,
      start: '2026-01-01T00:00:00Z',
    });
  });
});
