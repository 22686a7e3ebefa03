// TUF path patterns (spec 4.5 "delegations": shell-style wildcards), matched as python-tuf does
// (tuf/api/metadata.py DelegatedRole._is_target_in_pathpattern): pattern and path are split on
// "/", must have as many segments, and each segment matches with Python's fnmatch (Lib/fnmatch.py
// translate: `*`, `?`, `[seq]`, `[!seq]`, an unclosed `[` literal, empty ranges dropped).
// Compiled to tokens and run as a set of states: O(segment length x pattern length), never the
// exponential backtracking a regular expression of `*a*a*a…*b` costs.

/** A set of code points: single characters and inclusive ranges, possibly negated. */
interface CharSet {
  negated: boolean;
  ranges: [number, number][];
}

type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'never' }
  | { kind: 'literal'; cp: number }
  | { kind: 'set'; set: CharSet };

const cp = (c: string): number => c.codePointAt(0) ?? 0;

/** Reads the class body Python's translate writes between `[` and `]`, the way `re` parses it. */
function parseClassBody(stuff: string[]): CharSet {
  let i = 0;
  let negated = false;
  if (stuff[0] === '^') {
    negated = true;
    i = 1;
  }
  const next = (): number => {
    const c = stuff[i++] ?? '';
    return c === '\\' ? cp(stuff[i++] ?? '') : cp(c);
  };
  const ranges: [number, number][] = [];
  while (i < stuff.length) {
    const lo = next();
    if (stuff[i] === '-' && i + 1 < stuff.length) {
      i++;
      ranges.push([lo, next()]);
    } else {
      ranges.push([lo, lo]);
    }
  }
  return { negated, ranges };
}

/** Python's fnmatch.translate for `[...]`: `body` is the pattern between `[` and `]`. */
function classToken(body: string[]): Token {
  let chunks: string[][];
  const negatedInPattern = body[0] === '!';
  if (!body.includes('-')) {
    chunks = [body];
  } else {
    chunks = [];
    let start = 0;
    // A `-` first in the class (after any `!`) is a literal, as in Python.
    let k = negatedInPattern ? 2 : 1;
    for (;;) {
      k = body.indexOf('-', k);
      if (k < 0) break;
      chunks.push(body.slice(start, k));
      start = k + 1;
      k += 3;
    }
    const last = body.slice(start);
    if (last.length > 0) chunks.push(last);
    else chunks[chunks.length - 1]?.push('-');
    // Python drops empty ranges (a later bound below an earlier one).
    for (let k2 = chunks.length - 1; k2 > 0; k2--) {
      const before = chunks[k2 - 1] as string[];
      const after = chunks[k2] as string[];
      if (cp(before[before.length - 1] ?? '') > cp(after[0] ?? '')) {
        chunks[k2 - 1] = [...before.slice(0, -1), ...after.slice(1)];
        chunks.splice(k2, 1);
      }
    }
  }
  const stuff: string[] = [];
  chunks.forEach((chunk, n) => {
    if (n > 0) stuff.push('-');
    for (const c of chunk) {
      if (c === '\\' || c === '&' || c === '~' || c === '|' || c === '-') {
        stuff.push('\\');
      }
      stuff.push(c);
    }
  });
  if (stuff.length === 0) return { kind: 'never' };
  if (stuff.length === 1 && stuff[0] === '!') return { kind: 'any' };
  if (stuff[0] === '!') stuff[0] = '^';
  else if (stuff[0] === '^' || stuff[0] === '[') stuff.unshift('\\');
  return { kind: 'set', set: parseClassBody(stuff) };
}

/** Compiles one segment of a pattern (Python fnmatch.translate, token by token). */
function compileSegment(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i++] as string;
    if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
    } else if (c === '[') {
      let j = i;
      if (chars[j] === '!') j++;
      if (chars[j] === ']') j++;
      while (j < chars.length && chars[j] !== ']') j++;
      if (j >= chars.length) {
        tokens.push({ kind: 'literal', cp: cp('[') });
      } else {
        tokens.push(classToken(chars.slice(i, j)));
        i = j + 1;
      }
    } else {
      tokens.push({ kind: 'literal', cp: cp(c) });
    }
  }
  return tokens;
}

function inSet(set: CharSet, c: number): boolean {
  let found = false;
  for (const [lo, hi] of set.ranges) {
    if (c >= lo && c <= hi) {
      found = true;
      break;
    }
  }
  return found !== set.negated;
}

function accepts(token: Token, c: number): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'literal':
      return token.cp === c;
    case 'set':
      return inSet(token.set, c);
    default:
      return false;
  }
}

/** Adds the states reachable without reading: a `*` may match nothing. */
function close(tokens: readonly Token[], states: Uint8Array): void {
  for (let p = 0; p < tokens.length; p++) {
    if (states[p] === 1 && tokens[p]?.kind === 'star') states[p + 1] = 1;
  }
}

/** True when `text` matches one compiled segment; every state advanced once per character. */
function matchSegment(tokens: readonly Token[], text: string): boolean {
  let states = new Uint8Array(tokens.length + 1);
  let next = new Uint8Array(tokens.length + 1);
  states[0] = 1;
  close(tokens, states);
  for (const ch of text) {
    const c = cp(ch);
    next.fill(0);
    let alive = false;
    for (let p = 0; p < tokens.length; p++) {
      if (states[p] !== 1) continue;
      const token = tokens[p] as Token;
      if (token.kind === 'star') {
        next[p] = 1;
        alive = true;
      } else if (accepts(token, c)) {
        next[p + 1] = 1;
        alive = true;
      }
    }
    if (!alive) return false;
    close(tokens, next);
    [states, next] = [next, states];
  }
  return states[tokens.length] === 1;
}

/**
 * Spec 4.5 path pattern match as python-tuf implements it: the same number of `/`-separated
 * segments, each matched with fnmatch semantics (`*` and `?` never cross a `/`).
 */
export function pathMatches(pattern: string, targetPath: string): boolean {
  const patternParts = pattern.split('/');
  const pathParts = targetPath.split('/');
  if (patternParts.length !== pathParts.length) return false;
  for (let i = 0; i < patternParts.length; i++) {
    if (!matchSegment(compileSegment(patternParts[i] ?? ''), pathParts[i] ?? '')) return false;
  }
  return true;
}
