import { join } from 'node:path';
import { planRecordsDir } from '../../repo/plan-record.js';
import { binRecordsDir } from '../../repo/bin-record.js';
import { toolCacheDir } from '../../repo/tool-cache.js';
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
import {
  boolFlag,
  stringFlag,
  type Command,
  type CommandContext,
  JSON_OPTION,
} from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, type LoadedCeremony } from '../ceremony-context.js';
import { stageCeremony } from '../stage-ceremony.js';
import { SECRET_OPTIONS } from '../secrets.js';
import { onlineSigners } from '../online-signers.js';
import { ONLINE_LOG_PREFIX, recordEvent } from '../transcript.js';

/** What refresh did about offline roles: report lines, and the ceremony holders must sign. */
interface OfflineOutcome {
  lines: string[];
  ceremony?: { id: string; staged: boolean; roles: string[] };
}

/**
 * Offline roles cannot be re-signed unattended: their holders get a staged ceremony (unless
 * `--no-stage`, for jobs that open the ceremony elsewhere). A ceremony already in progress is
 * left alone.
 */
async function stageOfflineRoles(
  ctx: CommandContext,
  loaded: LoadedCeremony,
  named: readonly string[],
  noStage: boolean,
): Promise<OfflineOutcome> {
  const staging = loaded.staging;
  if (staging) {
    const { id, roles } = staging.ceremony;
    const missing = named.filter((r) => !roles.includes(r));
    const lines = [`ceremony ${id} is staged for holders to sign`];
    if (missing.length > 0)
      lines.push(
        `to add ${missing.join(', ')} to it: tuf-ceremony stage --restage ${missing.map((r) => `--role ${r}`).join(' ')}`,
      );
    return { lines, ceremony: { id, staged: false, roles: [...roles] } };
  }
  if (noStage)
    return {
      lines: ['holders must re-sign them: run tuf-ceremony stage, then the ceremony steps'],
    };
  const outcome = await stageCeremony(loaded, ctx.now(), {
    force: named,
    restage: false,
    recordsDir: planRecordsDir(ctx.env),
    binRecordsDir: binRecordsDir(ctx.env),
    cacheDir: toolCacheDir(ctx.env),
  });
  if (outcome.kind !== 'staged') return { lines: [] };
  const roles = outcome.planned.map((p) => `${p.role} v${p.signed.version}`);
  return {
    lines: [
      `staged ceremony ${outcome.id} for the holders: ${roles.join(', ')}; next: tuf-ceremony status, then each holder reviews and signs`,
    ],
    ceremony: { id: outcome.id, staged: true, roles: outcome.planned.map((p) => p.role) },
  };
}

/**
 * `tuf-ceremony refresh`: re-signs online roles (timestamp, snapshot) with the online key,
 * versions strictly increasing and expiry from the plan; offline roles inside their signing
 * window get a staged ceremony instead (`tuf-ceremony stage`).
 */
export const refreshCommand: Command = {
  name: 'refresh',
  examples: [
    'tuf-ceremony refresh --passphrase-env ONLINE_PASS',
    'tuf-ceremony refresh timestamp --force --key-ref file:/secrets/online.key --passphrase-env ONLINE_PASS',
  ],
  summary:
    're-sign online roles (timestamp, snapshot) when due or named; stage a ceremony for offline roles that are due',
  usage:
    'tuf-ceremony refresh [timestamp|snapshot|ROLE]... [--dir DIR] [--force] [--no-stage] [--key-ref REF] [--passphrase-env VAR | --pin-env VAR] [--json]',
  positionals: true,
  options: {
    ...DIR_OPTION,
    ...SECRET_OPTIONS,
    force: {
      type: 'boolean',
      description: 're-sign the online roles even when they are not inside their signing window',
    },
    'no-stage': {
      type: 'boolean',
      description: 'do not stage a ceremony for offline roles that are due',
    },
    'key-ref': {
      type: 'string',
      valueName: 'REF',
      description:
        'where the online key is on this machine (file:..., pkcs11:...; default: as enrolled)',
    },
    ...JSON_OPTION,
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
    const expiries = roleExpiries(loaded.plan, published, now);
    const online = new Set(['timestamp', 'snapshot']);
    const known = new Set([...expiries.map((e) => e.role), 'root', 'targets']);
    for (const d of loaded.plan.delegations) known.add(d.name);
    const offlineNamed = args.positionals.filter((role) => !online.has(role));
    for (const role of offlineNamed) {
      if (!known.has(role))
        throw new CeremonyError(
          'USAGE',
          `refresh ${role}: no such role (roles: ${[...known].sort().join(', ')})`,
        );
    }
    const due = (role: string): boolean =>
      expiries.some((e) => e.role === role && e.state !== 'ok');
    const named = new Set(args.positionals.filter((role) => online.has(role)));
    const force = boolFlag(args, 'force');
    const nothingNamed = args.positionals.length === 0;
    const snapshot = named.has('snapshot') || (nothingNamed && (force || due('snapshot')));
    const timestamp =
      snapshot || named.has('timestamp') || (nothingNamed && (force || due('timestamp')));
    const offlineDue = expiries
      .filter((e) => !e.online && e.state !== 'ok')
      .map((e) => `${e.role} v${e.version} (expires ${e.expires})`);
    const json = boolFlag(args, 'json');
    const offline: OfflineOutcome =
      offlineDue.length > 0 || offlineNamed.length > 0
        ? await stageOfflineRoles(ctx, loaded, offlineNamed, boolFlag(args, 'no-stage'))
        : { lines: [] };
    if (!json) {
      if (offlineDue.length > 0) ctx.out(`inside their signing window: ${offlineDue.join(', ')}`);
      for (const line of offline.lines) ctx.out(line);
    }
    const report = (refreshed: { role: string; version: number; sha256: string }[]): void => {
      if (json) {
        const out = { refreshed, offline_due: offlineDue, ceremony: offline.ceremony ?? null };
        ctx.out(JSON.stringify(out, null, 2));
      } else {
        for (const r of refreshed) ctx.out(`refreshed ${r.role} v${r.version}`);
      }
    };
    if (!timestamp) {
      if (!json && nothingNamed)
        ctx.out(
          'timestamp and snapshot are not due; nothing re-signed (--force to re-sign anyway)',
        );
      report([]);
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
    report(refreshed.map((r) => ({ role: r.name, version: r.version, sha256: r.file.sha256 })));
    return 0;
  },
};
