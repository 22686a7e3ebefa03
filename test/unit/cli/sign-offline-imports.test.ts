import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';

// sign-offline runs on a machine with no network, no git and no ceremony: the modules it loads
// (static imports, followed transitively) must not include git, HTTP, GitHub, Sigstore clients or
// the ceremony-directory loaders. PKCS#11 is loaded on demand (a dynamic import) only.

const FORBIDDEN_PACKAGES = [
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'octokit',
  'tuf-js',
  '@sigstore/tuf',
  'graphene-pk11',
  'pkcs11js',
  // loaded on demand, so a run from flags starts fast
  '@inquirer/prompts',
  'qrcode',
];
const FORBIDDEN_DIRS = ['src/publish/', 'src/sigstore/', 'src/hsm/'];
const FORBIDDEN_FILES = ['src/cli/ceremony-context.ts', 'src/repo/staging-store.ts'];

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import (?!type)[^;]*? from '([^']+)';/gms)].map((m) => m[1] ?? '');
}

describe('sign-offline start-up', () => {
  it('loads no module that touches git, the network or the ceremony directory', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [join(PROJECT_ROOT, 'src', 'cli', 'commands', 'sign-offline.ts')];
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of staticImports(file)) {
        if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else packages.add(spec);
      }
    }
    const relative = [...seen].map((f) => f.slice(PROJECT_ROOT.length + 1));
    expect(relative).toContain('src/signing/file-key-resolver.ts');
    expect(relative.filter((f) => FORBIDDEN_DIRS.some((d) => f.startsWith(d)))).toEqual([]);
    expect(relative.filter((f) => FORBIDDEN_FILES.includes(f))).toEqual([]);
    expect([...packages].filter((p) => FORBIDDEN_PACKAGES.includes(p))).toEqual([]);
  });
});
