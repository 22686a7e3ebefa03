import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { CLI } from '../../helpers/cli.js';
import { decodeTerminalQrCodes } from '../../helpers/qr-decode.js';

const CHROMIUM = '/usr/bin/chromium';
const REFERENCE = join(import.meta.dirname, 'broadcast-reference.png');
const NOW = { TUF_CEREMONY_NOW: '2026-06-01T12:00:00Z' };
/** Share of pixels that may differ from the reference (font hinting, anti-aliasing). */
const TOLERANCE = 0.01;

/** Starts `broadcast --port 0` and resolves with its URL once it prints it. */
function startBroadcast(ceremony: CeremonyFixture): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'broadcast', '--port', '0'], {
    cwd: ceremony.dir,
    env: { ...process.env, ...ceremony.env, ...NOW },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
      if (url) resolve({ child, url });
    });
    child.on('exit', (code) => {
      reject(new Error(`broadcast exited with ${String(code)} before listening: ${out}`));
    });
  });
}

/** A raw GET (no URL normalisation), with an optional Host header. */
function rawGet(
  url: string,
  path: string,
  host?: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: 'GET', headers: host ? { host } : {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function pixelDifference(actual: Buffer, reference: Buffer): number {
  const a = PNG.sync.read(actual);
  const b = PNG.sync.read(reference);
  if (a.width !== b.width || a.height !== b.height) return 1;
  const differing = pixelmatch(a.data, b.data, null, a.width, a.height, { threshold: 0.2 });
  return differing / (a.width * a.height);
}

describe('broadcast: the live page of a staged ceremony', () => {
  let ceremony: CeremonyFixture;
  let browser: Browser;
  let server: { child: ChildProcess; url: string };

  beforeAll(async () => {
    ceremony = await CeremonyFixture.create(['alice', 'bob', 'carol'], 2);
    Object.assign(ceremony.env, NOW);
    for (const holder of ['alice', 'bob', 'carol', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    server = await startBroadcast(ceremony);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    server.child.kill('SIGTERM');
  });

  it('shows every holder and hash, marks a signature without a reload, and keeps its layout', async () => {
    const before = await ceremony.status();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(server.url);
    await page.waitForSelector('body[data-loaded="true"]');
    for (const holder of ['alice', 'bob', 'carol']) {
      await expect(page.locator(`tr[data-holder="${holder}"]`).count()).resolves.toBe(1);
    }
    for (const role of before.json.roles) {
      await expect(page.locator(`[data-sha256="${role.sha256}"]`).count()).resolves.toBe(1);
      await expect(page.locator(`img[src="/qr/${role.sha256}.svg"]`).count()).resolves.toBe(1);
    }
    await expect(
      page.locator('tr[data-holder="alice"] .mark[data-mark="valid"]').count(),
    ).resolves.toBe(0);

    // Another process signs; the open page marks it by itself.
    const variable = ceremony.passphraseVar('alice');
    await ceremony.ok(['sign', '--holder', 'alice', '--passphrase-env', variable, '--yes']);
    await page.waitForSelector(
      'tr[data-holder="alice"] .mark[data-role="root"][data-mark="valid"]',
      {
        timeout: 15_000,
      },
    );
    await page.waitForSelector(
      'tr[data-holder="alice"] .mark[data-role="targets"][data-mark="valid"]',
    );
    await expect(
      page.locator('tr[data-holder="bob"] .mark[data-mark="missing"]').count(),
    ).resolves.toBe(2);
    await expect(
      page.locator('.role[data-role="root"] [data-authority="new root v1"]').innerText(),
    ).resolves.toBe('new root v1: 1 of 2');

    // Layout against the stored reference; what depends on fresh keys is masked.
    const shot = await page.screenshot({
      mask: [
        page.locator('.sha256'),
        page.locator('.art'),
        page.locator('img.qr'),
        page.locator('td.key'),
        page.locator('#events'),
        page.locator('#updated'),
      ],
    });
    if (process.env.TUF_CEREMONY_UPDATE_SCREENSHOTS === '1' || !existsSync(REFERENCE)) {
      await writeFile(REFERENCE, shot);
      if (process.env.TUF_CEREMONY_UPDATE_SCREENSHOTS !== '1') {
        throw new Error(`no reference screenshot: wrote ${REFERENCE}; review and commit it`);
      }
    }
    expect(pixelDifference(shot, await readFile(REFERENCE))).toBeLessThan(TOLERANCE);
    await page.close();
  }, 120_000);

  it('serves at /status.json exactly what status --json prints', async () => {
    const status = await ceremony.run(['status', '--json']);
    const served = await rawGet(server.url, '/status.json');
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toEqual(JSON.parse(status.stdout));
  });

  it('answers 404 to traversal, key files and foreign Host headers', async () => {
    for (const path of [
      '/../keys',
      '/keys/alice',
      '/etc/passwd',
      '/../../../../etc/passwd',
      '/%2e%2e/keys',
      '/..%2f..%2fetc%2fpasswd',
      '/ceremony.yaml',
      '/staged/signatures/alice.json',
      `/qr/${'0'.repeat(64)}.svg`,
    ]) {
      const reply = await rawGet(server.url, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).toBe('not found\n');
    }
    const rebinding = await rawGet(server.url, '/status.json', 'attacker.example:80');
    expect(rebinding.status).toBe(404);
  });

  it('listens on the chosen address only', async () => {
    const { port } = new URL(server.url);
    const other = `http://127.0.0.2:${port}/`;
    await expect(rawGet(other, '/status.json')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('prints QR codes in review --qr that decode to exactly each sha256', async () => {
    const status = await ceremony.status();
    const review = await ceremony.ok(['review', '--qr']);
    const decoded = decodeTerminalQrCodes(review.stdout);
    expect(decoded).toEqual(status.json.roles.map((r) => r.sha256));
  });
});

describe('log summary --html', () => {
  it('writes a self-contained page with a picture of every staged hash', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    const status = await ceremony.status();
    const out = await mkdtemp(join(tmpdir(), 'summary-html-'));
    const page = (await ceremony.ok(['log', 'summary', '--html'])).stdout;
    await writeFile(join(out, 'summary.html'), page);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|src=|href=/);
    for (const role of status.json.roles) {
      expect(page).toContain(role.sha256);
      expect(page).toContain(`${role.role} v${String(role.version)}`);
    }
    expect(page.match(/<svg /g)?.length).toBe(status.json.roles.length);
  });
});
