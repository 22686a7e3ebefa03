import type { RecordedRole, VerifiedRoles } from '../../../../src/metadata/client/index.js';

/** A record of verified roles held in memory, as the cache file holds it between commands. */
export class MapRecord implements VerifiedRoles {
  readonly entries = new Map<string, RecordedRole>();
  get(key: string): RecordedRole | undefined {
    return this.entries.get(key);
  }
  add(key: string, role: RecordedRole): void {
    this.entries.set(key, role);
  }
}
