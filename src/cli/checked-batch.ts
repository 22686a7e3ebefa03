// A holder signing thousands of roles checks each fresh signature on the thread pool while the
// next roles are signed, and persists signatures in batches. The gate below holds a batch's
// checks: a batch is written only once every check in it passed, and after one failed nothing
// more is written (the signatures held in memory are never persisted).

/** Fresh-signature checks pending for the next write, and whether one has failed. */
export class CheckGate {
  private pending: Promise<void>[] = [];
  private failed = false;

  /** Holds a check until the next `beforeWrite` (given a handler at once, so never unhandled). */
  hold(check: Promise<void>): void {
    check.catch(() => undefined);
    this.pending.push(check);
  }

  /**
   * Waits for every held check; throws the first failure (and from then on, returns false:
   * nothing may be written). True when the caller may write.
   */
  async beforeWrite(): Promise<boolean> {
    const checking = this.pending;
    this.pending = [];
    try {
      await Promise.all(checking);
    } catch (err) {
      this.failed = true;
      throw err;
    }
    return !this.failed;
  }
}
