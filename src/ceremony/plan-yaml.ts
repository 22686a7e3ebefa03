import YAML, { LineCounter } from 'yaml';
import { PlanError, planFromValue, type Plan } from './plan.js';
import { duplicateKeyErrors } from './plan-keys.js';

// The YAML side of reading ceremony.yaml, apart from plan.ts so that a command which finds the
// plan's value in this machine's record (src/repo/plan-values.ts) never loads the YAML library.

/** The value ceremony.yaml text holds; throws PlanError naming the line of every syntax problem. */
export function planValue(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  // Duplicate keys are checked below in linear time (the library's check is quadratic).
  const doc = YAML.parseDocument(text, {
    uniqueKeys: false,
    prettyErrors: true,
    version: '1.2',
    lineCounter,
  });
  const syntax = [...doc.errors, ...doc.warnings].map((e) => {
    const line = e.linePos?.[0].line;
    const what = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
    return line === undefined ? what : `line ${line}: ${what}`;
  });
  if (syntax.length > 0) throw new PlanError(file, syntax);
  const duplicates = duplicateKeyErrors(doc, lineCounter);
  if (duplicates.length > 0) throw new PlanError(file, duplicates);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new PlanError(file, [(err as Error).message.split('\n')[0] ?? 'unreadable YAML']);
  }
}

/** Parses and validates ceremony.yaml text; throws PlanError listing every problem at once. */
export function parsePlan(text: string, file: string): Plan {
  return planFromValue(planValue(text, file), file);
}
