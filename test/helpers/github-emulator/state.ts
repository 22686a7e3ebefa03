import type { CommentRecord, PullRecord, RepoRecord } from './builders.js';

/** A token the emulator accepts: whose it is and whether it may write (fine-grained scopes). */
export interface EmulatorToken {
  login: string;
  access: 'write' | 'read';
}

/** A repository the emulator hosts. */
export interface EmulatorRepo {
  owner: string;
  name: string;
  defaultBranch?: string;
  private?: boolean;
  /** Logins with push rights (the owner always has them). */
  writers?: string[];
}

/** The emulator's mutable world: repositories, pull requests, comments. */
export class EmulatorState {
  readonly repos = new Map<string, RepoRecord & { writers: Set<string> }>();
  readonly pulls = new Map<string, PullRecord[]>();
  readonly comments = new Map<string, CommentRecord[]>();
  private nextId = 1000;

  constructor(repos: EmulatorRepo[]) {
    for (const r of repos) {
      this.repos.set(`${r.owner}/${r.name}`, {
        id: this.id(),
        owner: r.owner,
        name: r.name,
        defaultBranch: r.defaultBranch ?? 'main',
        private: r.private ?? false,
        writers: new Set([r.owner, ...(r.writers ?? [])]),
      });
    }
  }

  /** A fresh numeric id (GitHub ids are positive integers). */
  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** The pull requests of `owner/name`, oldest first. */
  pullsOf(full: string): PullRecord[] {
    let list = this.pulls.get(full);
    if (list === undefined) {
      list = [];
      this.pulls.set(full, list);
    }
    return list;
  }

  /** The comments of issue/PR `number` in `owner/name`, oldest first. */
  commentsOf(full: string, number: number): CommentRecord[] {
    const key = `${full}#${number}`;
    let list = this.comments.get(key);
    if (list === undefined) {
      list = [];
      this.comments.set(key, list);
    }
    return list;
  }
}
