import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Updater } from 'tuf-js';
import { serveDirectory } from './static-server.js';

/**
 * Reads a repository the way a real client does: tuf-js, bootstrapped from 1.root.json, over HTTP
 * on 127.0.0.1. Returns the bytes of the requested targets; throws what tuf-js throws.
 */
export async function readWithTufJs(
  repositoryDir: string,
  targets: readonly string[] = [],
): Promise<Map<string, Buffer>> {
  const server = await serveDirectory(repositoryDir);
  const work = await mkdtemp(join(tmpdir(), 'tuf-js-client-'));
  try {
    const metadataDir = join(work, 'metadata');
    const targetDir = join(work, 'targets');
    await mkdir(metadataDir, { recursive: true });
    await mkdir(targetDir, { recursive: true });
    await writeFile(
      join(metadataDir, 'root.json'),
      await readFile(join(repositoryDir, '1.root.json')),
    );
    const updater = new Updater({
      metadataDir,
      metadataBaseUrl: server.url,
      targetDir,
      targetBaseUrl: `${server.url}targets/`,
    });
    await updater.refresh();
    const out = new Map<string, Buffer>();
    for (const path of targets) {
      const info = await updater.getTargetInfo(path);
      if (!info) throw new Error(`tuf-js found no target ${path}`);
      const file = join(work, `download-${out.size}`);
      await updater.downloadTarget(info, file);
      out.set(path, await readFile(file));
    }
    return out;
  } finally {
    await server.close();
  }
}
