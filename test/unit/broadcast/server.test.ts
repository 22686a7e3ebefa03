import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroadcast, type BroadcastServer } from '../../../src/broadcast/server.js';
import type { RoomData } from '../../../src/broadcast/room-data.js';

const SHA = 'ef'.repeat(32);
const ROOM: RoomData = {
  name: 'r',
  ceremony_id: 'c',
  roles: [
    {
      role: 'root',
      version: 1,
      expires: '2027-01-01T00:00:00Z',
      sha256: SHA,
      sha256_groups: [],
      randomart: [],
      ready: false,
      counts: [],
    },
  ],
  holders: [],
  events: [],
};

describe('broadcast server routes', () => {
  let server: BroadcastServer;
  let loads = 0;
  beforeAll(async () => {
    server = await startBroadcast('127.0.0.1', 0, () => {
      loads++;
      return Promise.resolve({ statusJson: '{"ready":false}\n', room: ROOM });
    });
  });
  afterAll(() => server.close());

  it('serves the page, its assets and the data with a strict content policy', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect((await fetch(`${server.url}broadcast.js`)).status).toBe(200);
    expect(await (await fetch(`${server.url}status.json`)).text()).toBe('{"ready":false}\n');
    expect(await (await fetch(`${server.url}room.json`)).json()).toEqual(ROOM);
    const qr = await fetch(`${server.url}qr/${SHA}.svg`);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('refuses writes and unknown paths, and reads the ceremony at most once per half second', async () => {
    expect((await fetch(`${server.url}status.json`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${server.url}qr/${'00'.repeat(32)}.svg`)).status).toBe(404);
    expect((await fetch(`${server.url}index.html`)).status).toBe(404);
    const before = loads;
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}room.json`)));
    expect(loads - before).toBeLessThanOrEqual(1);
  });

  it('reports an unreadable ceremony as a JSON error without a stack', async () => {
    const failing = await startBroadcast('127.0.0.1', 0, () =>
      Promise.reject(new Error('no ceremony is staged')),
    );
    try {
      const reply = await fetch(`${failing.url}status.json`);
      expect(reply.status).toBe(503);
      expect(await reply.json()).toEqual({ error: { message: 'no ceremony is staged' } });
    } finally {
      await failing.close();
    }
  });
});
