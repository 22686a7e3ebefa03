import { roomData } from '../../broadcast/room-data.js';
import { startBroadcast, type BroadcastSnapshot } from '../../broadcast/server.js';
import { CeremonyError } from '../../metadata/errors.js';
import { readTranscript, ceremonyLogDir } from '../../repo/transcript-store.js';
import { EXIT, stringFlag, type Command, type CommandContext } from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, statusOf } from '../ceremony-context.js';
import { statusJson } from '../status-text.js';

const DEFAULT_PORT = 8420;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new CeremonyError('USAGE', `--port must be a port number from 0 to 65535`);
  }
  return Number(value);
}

async function snapshotOf(dir: string): Promise<BroadcastSnapshot> {
  const loaded = await loadCeremony(dir);
  const status = statusOf(loaded);
  let events: Awaited<ReturnType<typeof readTranscript>>['events'] = [];
  try {
    events = (await readTranscript(ceremonyLogDir(loaded.paths.root, status.id))).events;
  } catch {
    // A ceremony whose transcript folder does not exist yet shows no events.
  }
  return {
    statusJson: `${JSON.stringify(statusJson(status), null, 2)}\n`,
    room: roomData(loaded.plan, loaded.keys, status, events),
  };
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => {
      resolve();
    });
    process.once('SIGTERM', () => {
      resolve();
    });
  });
}

async function serve(ctx: CommandContext, dir: string, host: string, port: number): Promise<void> {
  // Read once up front so a directory that is not a staged ceremony fails before serving.
  await snapshotOf(dir);
  const server = await startBroadcast(host, port, () => snapshotOf(dir)).catch((err: unknown) => {
    const code = (err as { code?: unknown }).code;
    throw new CeremonyError(
      'IO',
      `cannot listen on ${host} port ${port}${typeof code === 'string' ? ` (${code})` : ''}; choose another --port or --host`,
    );
  });
  if (!LOOPBACK.has(host)) {
    ctx.err(`note: listening on ${host}; anyone who can reach it sees the public ceremony data`);
  }
  ctx.out(`broadcasting the ceremony at ${server.url} (Ctrl-C to stop)`);
  await untilStopped();
  await server.close();
}

/** `tuf-ceremony broadcast`: a read-only live page of the staged ceremony for a stream. */
export const broadcastCommand: Command = {
  name: 'broadcast',
  summary:
    'serve a live read-only page of the staged ceremony for a stream: hashes, pictures, QR codes, who signed',
  usage: 'tuf-ceremony broadcast [--dir DIR] [--port N] [--host ADDRESS]',
  description:
    'The page polls /status.json (what status --json prints) and /room.json once a second, needs no internet and serves nothing but public ceremony data.',
  examples: ['tuf-ceremony broadcast --port 8420', 'tuf-ceremony broadcast --dir my-root --port 0'],
  options: {
    ...DIR_OPTION,
    port: {
      type: 'string',
      valueName: 'N',
      description: `port to listen on; 0 picks a free one (default ${DEFAULT_PORT})`,
    },
    host: {
      type: 'string',
      valueName: 'ADDRESS',
      description: 'address to bind (default 127.0.0.1: only this machine)',
    },
  },
  async run(ctx, args) {
    await serve(
      ctx,
      ceremonyDir(ctx, args),
      stringFlag(args, 'host') ?? '127.0.0.1',
      portOf(stringFlag(args, 'port')),
    );
    return EXIT.ok;
  },
};
