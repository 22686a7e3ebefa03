import { resolve } from 'node:path';
import { listTokens, type ListedToken } from '../../hsm/list.js';
import { keyPictureLines } from '../fingerprint-text.js';
import { boolFlag, EXIT, stringFlag, type Command, JSON_OPTION } from '../command.js';

const USAGE = 'tuf-ceremony hsm list [--module PATH] [--json]';

/** Text form of the listing: one block per token, one line per key plus the URI to use. */
export function renderTokens(tokens: readonly ListedToken[]): string[] {
  if (tokens.length === 0) return ['no initialized tokens found'];
  const lines: string[] = [];
  for (const t of tokens) {
    lines.push(
      `token "${t.label}"  serial ${t.serial || '-'}  ${t.manufacturer} ${t.model}  slot ${t.slotId}  PIN ${t.pin}  (${t.module})`,
    );
    if (t.keys.length === 0) lines.push('  no keys visible without a PIN');
    for (const k of t.keys) {
      const name =
        `${k.label === '' ? '' : `"${k.label}" `}${k.id === '' ? '' : `id ${k.id}`}`.trim();
      const what = k.fingerprint
        ? `${k.keytype ?? ''} ${k.fingerprint}`
        : `unsupported: ${k.unsupported ?? ''}`;
      lines.push(`  ${what}  ${name || '(no label or id)'}  (${k.source})`);
      lines.push(`    ${k.uri}`);
      if (k.fingerprintDigest)
        lines.push(...keyPictureLines(k.keytype ?? 'key', k.fingerprintDigest));
    }
  }
  return lines;
}

/** `hsm list`: PKCS#11 tokens and their keys, with fingerprints and key URIs. */
export const hsmListCommand: Command = {
  name: 'hsm list',
  examples: [
    'tuf-ceremony hsm list',
    'tuf-ceremony hsm list --module /usr/lib/softhsm/libsofthsm2.so --json',
  ],
  summary: 'list PKCS#11 tokens and their keys (type, fingerprint, URI to enroll)',
  usage: USAGE,
  options: {
    module: {
      type: 'string',
      valueName: 'PATH',
      description: 'PKCS#11 module to ask (default: every usual install path found)',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const module = stringFlag(args, 'module');
    const tokens = await listTokens(
      module === undefined ? {} : { modulePath: resolve(ctx.cwd, module) },
    );
    if (boolFlag(args, 'json')) ctx.out(JSON.stringify({ tokens }, null, 2));
    else ctx.out(renderTokens(tokens).join('\n'));
    return EXIT.ok;
  },
};
