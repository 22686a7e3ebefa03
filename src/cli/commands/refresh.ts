import { join } from 'node:path';
import { roleExpiries } from '../../ceremony/expiry.js';
import { signOnlineRoles } from '../../ceremony/online-roles.js';
import { verifyRepository } from '../../metadata/client/index.js';
import { sha256Hex } from '../../metadata/bytes.js';
import { CeremonyError } from '../../metadata/errors.js';
import { writeFileAtomic } from '../../repo/atomic-write.js';
import { OverlaySource } from '../../repo/overlay-source.js';
import { loadPublishedRepo } from '../../repo/published-loader.js';
import { plannedWrites } from '../../repo/repository-writer.js';
import { DirectorySource } from '../../repo/source-directory.js';
import { boolFlag, stringFlag, type Command } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { SECRET_OPTIONS } from '../key-access.js';
import { onlineSigners } from '../online-signers.js';
import { ONLINE_LOG_PREFIX, recordEvent } from '../transcript.js';

/**
 * `tuf-ceremony refresh`: re-signs online roles (timestamp, snapshot) with the online key,
 * versions strictly increasing and expiry from the plan; offline roles inside their signing
 * window get a staged ceremony instead (`tuf-ceremony stage`).
 */
export const refreshCommand: Command = {
  name: 'refresh',
  summary:
    're-sign online roles (timestamp, snapshot) when due or named; stage a ceremony for offline roles that are due',
  usage:
    'tuf-ceremony refresh [timestamp|snapshot]... [--dir DIR] [--force] [--key-ref REF] [--passphrase-env VAR | --pin-env VAR] [--json]',
  positionals: true,
  options: {
    ...DIR_OPTION,
    ...SECRET_OPTIONS,
    force: { type: 'boolean' },
    'key-ref': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx, args) {
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const published = await loadPublishedRepo(loaded.paths.repository);
    const root = published.root?.metadata.signed;
    if (!root || !published.snapshot || !published.timestamp) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${loaded.paths.repository}: nothing is published yet; run a ceremony first`,
      );
    }
    const now = ctx.now();
    for (const role of args.positionals) {
      if (role !== 'timestamp' && role !== 'snapshot') {
        throw new CeremonyError(
          'USAGE',
          `refresh ${role}: only the online roles timestamp and snapshot are re-signed here; offline roles are re-signed in a ceremony (tuf-ceremony stage --role ${role})`,
        );
      }
    }
    const expiries = roleExpiries(loaded.plan, published, now);
    const due = (role: string): boolean =>
      expiries.some((e) => e.role === role && e.state !== 'ok');
    const named = new Set(args.positionals);
    const force = boolFlag(args, 'force');
    const snapshot = named.has('snapshot') || (named.size === 0 && (force || due('snapshot')));
    const timestamp =
      snapshot || named.has('timestamp') || (named.size === 0 && (force || due('timestamp')));
    const offlineDue = expiries
      .filter((e) => !e.online && e.state !== 'ok')
      .map((e) => `${e.role} v${e.version} (expires ${e.expires})`);
    if (offlineDue.length > 0) {
      ctx.out(`inside their signing window: ${offlineDue.join(', ')}`);
      ctx.out(
        loaded.staging
          ? `ceremony ${loaded.staging.ceremony.id} is staged for holders to sign`
          : 'holders must re-sign them: run tuf-ceremony stage, then the ceremony steps',
      );
    }
    if (!timestamp) {
      ctx.out('timestamp and snapshot are not due; nothing re-signed (--force to re-sign anyway)');
      return 0;
    }
    const signers = await onlineSigners(ctx, args, loaded, root, stringFlag(args, 'key-ref'));
    let release;
    try {
      release = await signOnlineRoles({
        plan: loaded.plan,
        published,
        changed: [],
        now,
        snapshot,
        snapshotSigners: signers.snapshot,
        timestampSigners: signers.timestamp,
      });
    } finally {
      for (const s of signers.all) await s.close();
    }
    const writes = plannedWrites({
      consistentSnapshot: root.consistent_snapshot === true,
      ...release,
    });
    const first = published.roots.get(1)?.file.bytes;
    if (!first)
      throw new CeremonyError('FILE_MISSING', `${loaded.paths.repository}: 1.root.json is missing`);
    // The refreshed repository must pass the client workflow before it is published.
    await verifyRepository({
      trustedRoot: first,
      trustedRootName: '1.root.json',
      source: new OverlaySource(new Map(writes), new DirectorySource(loaded.paths.repository)),
      now,
    });
    for (const [name, bytes] of writes)
      await writeFileAtomic(join(loaded.paths.repository, name), bytes);
    const refreshed = [...(release.snapshot ? [release.snapshot] : []), release.timestamp];
    const logId = `${ONLINE_LOG_PREFIX}${new Date(now).toISOString().slice(0, 7)}`;
    for (const role of refreshed) {
      await recordEvent(loaded.paths, 'coordinator', now, 'role.refreshed', logId, {
        role: role.name,
        version: role.version,
        sha256: role.file.sha256,
        files: Object.fromEntries(writes.map(([n, b]) => [n, sha256Hex(b)])),
      });
    }
    if (boolFlag(args, 'json')) {
      ctx.out(
        JSON.stringify(
          {
            refreshed: refreshed.map((r) => ({
              role: r.name,
              version: r.version,
              sha256: r.file.sha256,
            })),
            offline_due: offlineDue,
          },
          null,
          2,
        ),
      );
    } else {
      for (const role of refreshed) ctx.out(`refreshed ${role.name} v${role.version}`);
    }
    return 0;
  },
};
