#!/usr/bin/env node
// Packs tuf-ceremony for a machine without network: one npm tarball with every production
// dependency bundled inside it (bundleDependencies), taken from this checkout's node_modules, so
// nothing is fetched at install time. Run after `npm install && npm run build`:
//
//   node scripts/pack-offline.mjs [OUT_DIR]       # writes OUT_DIR/tuf-ceremony-<version>.tgz
//
// On the offline machine (same OS, CPU and Node major, for the PKCS#11 addon):
//   npm install --offline --no-audit --no-fund --prefix ~/tuf-ceremony ./tuf-ceremony-<version>.tgz
//   ~/tuf-ceremony/node_modules/.bin/tuf-ceremony sign-offline REQUEST --key-ref REF
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? 'offline-bundle');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('error: dist/ is missing; run npm run build first');
  process.exit(1);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const stage = mkdtempSync(join(tmpdir(), 'tuf-ceremony-pack-'));
try {
  const pkgDir = join(stage, 'package');
  mkdirSync(pkgDir);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const name of ['dist', 'README.md', 'docs'])
    cpSync(join(root, name), join(pkgDir, name), { recursive: true });
  // Production dependencies as installed here; nested node_modules come with their parent.
  const listed = execFileSync(npm, ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const topLevel = new Set();
  for (const dir of listed.split('\n').slice(1)) {
    const rel = relative(root, dir);
    if (/^node_modules\/(@[^/]+\/)?[^/]+$/.test(rel)) topLevel.add(rel);
  }
  for (const rel of topLevel)
    cpSync(join(root, rel), join(pkgDir, rel), { recursive: true, dereference: true });
  // Native addons (pkcs11js) go prebuilt: their compiled module is shipped and node-gyp, which
  // would need headers from the network and a compiler, is not run at install time.
  for (const rel of topLevel) {
    const dir = join(pkgDir, rel);
    const release = join(dir, 'build', 'Release');
    if (!existsSync(join(dir, 'binding.gyp')) || !existsSync(release)) continue;
    const addon = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    addon.gypfile = false;
    if (Array.isArray(addon.files)) addon.files.push('build/Release/*.node');
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(addon, null, 2)}\n`);
  }
  const bundled = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    type: manifest.type,
    bin: manifest.bin,
    engines: manifest.engines,
    files: ['dist', 'docs', 'README.md'],
    dependencies: manifest.dependencies,
    bundleDependencies: Object.keys(manifest.dependencies),
  };
  writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(bundled, null, 2)}\n`);
  mkdirSync(out, { recursive: true });
  const packed = execFileSync(
    npm,
    ['pack', '--pack-destination', out, '--json', '--ignore-scripts'],
    {
      cwd: pkgDir,
      encoding: 'utf8',
      maxBuffer: 256 * 2 ** 20,
    },
  );
  const [info] = JSON.parse(packed);
  console.log(
    `${join(out, info.filename)}: ${info.size} bytes, ${info.entryCount} files, ${topLevel.size} dependencies bundled`,
  );
} finally {
  rmSync(stage, { recursive: true, force: true });
}
