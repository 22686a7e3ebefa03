import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { MetadataSource } from '../../../../src/metadata/client/index.js';
import { CeremonyError } from '../../../../src/metadata/errors.js';

/** A repository held in memory: `name` for metadata, `targets/<path>` for targets. */
export class MemorySource implements MetadataSource {
  readonly requests: string[] = [];
  constructor(readonly files: Map<string, Uint8Array>) {}

  /** Every file under a directory, by relative path (a copy: tests tamper with it freely). */
  static fromDirectory(dir: string): MemorySource {
    const files = new Map<string, Uint8Array>();
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const full = join(d, name);
        if (statSync(full).isDirectory()) walk(full);
        else files.set(relative(dir, full), new Uint8Array(readFileSync(full)));
      }
    };
    walk(dir);
    return new MemorySource(files);
  }

  private get(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    this.requests.push(name);
    const bytes = this.files.get(name);
    if (bytes && bytes.length > maxLength) {
      return Promise.reject(new CeremonyError('FILE_TOO_LARGE', `${name} too large`));
    }
    return Promise.resolve(bytes);
  }

  fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.get(decodeURIComponent(name), maxLength);
  }

  fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.get(`targets/${path}`, maxLength);
  }

  /** Parsed JSON of a file. */
  json(name: string): Record<string, unknown> {
    const bytes = this.files.get(name);
    if (!bytes) throw new Error(`no file ${name}`);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  }

  /** Replaces a file with JSON text. */
  setJson(name: string, value: unknown): void {
    this.files.set(name, new TextEncoder().encode(JSON.stringify(value, null, 1)));
  }

  /** Applies a change to a file's bytes. */
  edit(name: string, change: (bytes: Uint8Array) => Uint8Array): void {
    const bytes = this.files.get(name);
    if (!bytes) throw new Error(`no file ${name}`);
    this.files.set(name, change(bytes));
  }
}
