// Appending to one string builds a rope of millions of nodes that survive into the old
// generation (most of the time went to GC). Chunks of ~8 KB are flattened as they fill: ToNumber
// flattens a rope in V8, so the short-lived rope nodes die young.
const CHUNK = 8192;
let flattenGuard = 0;

/** Builds long text in flattened ~8 KB chunks (canonical bytes, file text). */
export class StringSink {
  private readonly parts: string[] = [];
  private current = '';

  add(text: string): void {
    this.current += text;
    if (this.current.length > CHUNK) {
      flattenGuard = (flattenGuard + (Number(this.current) | 0)) | 0;
      this.parts.push(this.current);
      this.current = '';
    }
  }

  text(): string {
    this.parts.push(this.current);
    this.current = '';
    return this.parts.join('');
  }
}
