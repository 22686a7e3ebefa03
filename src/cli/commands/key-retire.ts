import { CeremonyError } from '../../metadata/errors.js';
import { formatExpiry } from '../../metadata/time.js';
import { saveEnrolledKey } from '../../repo/enrolled-keys-store.js';
import { boolFlag, EXIT, JSON_OPTION, stringFlag, type Command } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony } from '../ceremony-context.js';
import { recordEvent } from '../transcript.js';

/** The reason recorded for a compromised key; such a key is never asked to sign again. */
const COMPROMISED = 'compromised';

/**
 * `tuf-ceremony key retire`: marks an enrolled key retired (or compromised); the next `stage`
 * leaves it out of new metadata, rotating it out of every role that lists it.
 */
export const keyRetireCommand: Command = {
  name: 'key retire',
  examples: [
    "tuf-ceremony key retire --holder erin --keyid 1a2b3c4d --reason 'left the project'",
    'tuf-ceremony key retire --holder erin --keyid 1a2b3c4d --compromised',
  ],
  summary: 'retire (or declare compromised) an enrolled key; the next stage rotates it out',
  usage:
    'tuf-ceremony key retire --holder NAME --keyid KEYID [--compromised] [--reason TEXT] [--dir DIR] [--json]',
  options: {
    ...DIR_OPTION,
    holder: {
      type: 'string',
      valueName: 'NAME',
      description: 'the holder whose key is retired (required)',
    },
    keyid: {
      type: 'string',
      valueName: 'KEYID',
      description: 'the key to retire: its keyid or a unique prefix of it (required)',
    },
    compromised: {
      type: 'boolean',
      description: 'the key is compromised: never ask it to sign again',
    },
    reason: {
      type: 'string',
      valueName: 'TEXT',
      description: 'why the key is retired, recorded in the transcript',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const holder = stringFlag(args, 'holder');
    const keyid = stringFlag(args, 'keyid')?.toLowerCase();
    if (!holder || !keyid) {
      throw new CeremonyError(
        'USAGE',
        `key retire needs --holder and --keyid (usage: ${keyRetireCommand.usage})`,
      );
    }
    if (!/^[0-9a-f]{8,}$/.test(keyid)) {
      throw new CeremonyError(
        'USAGE',
        `--keyid ${keyid}: give the keyid or a prefix of at least 8 hex digits`,
      );
    }
    const compromised = boolFlag(args, 'compromised');
    const text = stringFlag(args, 'reason');
    if (compromised && text !== undefined) {
      throw new CeremonyError('USAGE', 'give either --compromised or --reason TEXT, not both');
    }
    const reason = compromised ? COMPROMISED : (text ?? 'retired');
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const matches = loaded.keys.filter((k) => k.holder === holder && k.keyid.startsWith(keyid));
    if (matches.length !== 1) {
      throw new CeremonyError(
        'USAGE',
        matches.length === 0
          ? `${loaded.paths.keys}: no key ${keyid} enrolled for ${holder}`
          : `--keyid ${keyid} matches ${matches.length} keys of ${holder}; give more digits`,
      );
    }
    const [found] = matches;
    if (!found) throw new CeremonyError('USAGE', `no key ${keyid} enrolled for ${holder}`);
    if (found.retired_at !== undefined && !(compromised && found.retired_reason !== COMPROMISED)) {
      throw new CeremonyError(
        'STATE_INVALID',
        `key ${found.keyid.slice(0, 8)} of ${holder} was already retired at ${found.retired_at} (${found.retired_reason ?? 'no reason'})`,
      );
    }
    const now = ctx.now();
    const record = { ...found, retired_at: formatExpiry(now), retired_reason: reason };
    const file = await saveEnrolledKey(loaded.paths, record, true);
    await recordEvent(loaded.paths, 'coordinator', now, 'key.enrolled', undefined, {
      holder,
      keyid: found.keyid,
      retired: true,
      reason,
    });
    if (boolFlag(args, 'json')) {
      const retired = { holder, keyid: found.keyid, reason, compromised, file };
      ctx.out(JSON.stringify(retired, null, 2));
      return EXIT.ok;
    }
    ctx.out(`retired key ${found.keyid.slice(0, 8)} of ${holder} (${reason}) in ${file}`);
    if (compromised) ctx.out('this key is never asked to sign again');
    ctx.out('the next tuf-ceremony stage rotates it out of every role that lists it');
    return 0;
  },
};
