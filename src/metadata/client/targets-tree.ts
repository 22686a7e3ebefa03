import type { TargetsSigned } from '../model.js';
import { parseRole } from './parse-role.js';

/** Every targets role reachable from targets, verified, by name (what target searches read). */
export interface TargetsTree {
  get(name: string): TargetsSigned | undefined;
  has(name: string): boolean;
}

/**
 * The verified targets roles of one walk. A role taken on the record of roles this machine
 * verified before (see verified-roles.ts) is kept as its bytes and parsed only when a target
 * search first reads it: finalize's check of a release reads none of them.
 */
export class VerifiedTargetsTree implements TargetsTree {
  private readonly parsed = new Map<string, TargetsSigned>();
  private readonly recorded = new Map<string, { bytes: () => Uint8Array; file: string }>();

  /** Adds a role verified in full. */
  set(name: string, signed: TargetsSigned): void {
    this.recorded.delete(name);
    this.parsed.set(name, signed);
  }

  /** Adds a role whose bytes were verified before, to be read and parsed when first needed. */
  setRecorded(name: string, bytes: () => Uint8Array, file: string): void {
    this.recorded.set(name, { bytes, file });
  }

  get(name: string): TargetsSigned | undefined {
    const signed = this.parsed.get(name);
    if (signed !== undefined) return signed;
    const kept = this.recorded.get(name);
    if (kept === undefined) return undefined;
    // The same bytes were parsed and found signed before; parsing them again cannot differ.
    const parsed = parseRole(kept.bytes(), 'targets', name, kept.file).metadata.signed;
    this.set(name, parsed);
    return parsed;
  }

  has(name: string): boolean {
    return this.parsed.has(name) || this.recorded.has(name);
  }
}
