import type { HolderSignatures } from './staging.js';
import type { TranscriptEvent } from './transcript.js';

// Every stored signature has its `signature.added` event in the ceremony's transcript. `sign`
// writes the signature first and the event next, so a kill between the two leaves a signature
// the transcript does not show; this finds such signatures (log verify fails on them, and the
// next sign, stage or finalize records them with `recovered` set).

/** A stored signature with no `signature.added` event. */
export interface UnrecordedSignature {
  holder: string;
  role: string;
  keyid: string;
  signed_sha256: string;
}

function identity(holder: unknown, role: unknown, keyid: unknown, sha256: unknown): string {
  return JSON.stringify([holder, role, keyid, sha256]);
}

/** The stored signatures of `holders` no `signature.added` event records (linear time). */
export function unrecordedSignatures(
  holders: readonly HolderSignatures[],
  events: readonly TranscriptEvent[],
): UnrecordedSignature[] {
  const recorded = new Set<string>();
  for (const e of events) {
    if (e.type !== 'signature.added') continue;
    const d = e.data;
    recorded.add(identity(d.holder ?? e.actor, d.role, d.keyid, d.signed_sha256));
  }
  const out: UnrecordedSignature[] = [];
  for (const file of holders) {
    for (const [role, list] of Object.entries(file.signatures)) {
      for (const s of list) {
        if (!recorded.has(identity(file.holder, role, s.keyid, s.signed_sha256))) {
          out.push({ holder: file.holder, role, keyid: s.keyid, signed_sha256: s.signed_sha256 });
        }
      }
    }
  }
  return out;
}
