// Visual fingerprints: a hash drawn as a small picture (the "drunken bishop" walk that OpenSSH
// uses for host keys), so that people comparing screens on a stream see at a glance whether two
// hashes differ. The same lines are printed in the terminal and shown on the broadcast page.

const WIDTH = 17;
const HEIGHT = 9;
/** Characters for how often the walk visited a cell (more visits, denser character). */
const VISITS = ' .o+=*BOX@%&#/^';
const START = 'S';
const END = 'E';

function hexBytes(hex: string): number[] {
  if (!/^(?:[0-9a-f]{2}){8,64}$/.test(hex)) {
    throw new RangeError('a visual fingerprint needs 8 to 64 bytes of lowercase hex');
  }
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}

function frame(label: string, fill: string): string {
  const text = label.slice(0, WIDTH - 2);
  if (text === '') return `+${fill.repeat(WIDTH)}+`;
  const left = Math.floor((WIDTH - text.length - 2) / 2);
  const right = WIDTH - text.length - 2 - left;
  return `+${fill.repeat(left)}[${text}]${fill.repeat(right)}+`;
}

/**
 * The randomart of a hex digest: 11 lines of 19 characters (a 17x9 field in a frame). `title`
 * goes into the top border (e.g. `root v2`), `footer` into the bottom one (e.g. `SHA256`).
 */
export function randomart(hex: string, title = '', footer = 'SHA256'): string[] {
  const field = new Array<number>(WIDTH * HEIGHT).fill(0);
  let x = Math.floor(WIDTH / 2);
  let y = Math.floor(HEIGHT / 2);
  const start = y * WIDTH + x;
  for (const byte of hexBytes(hex)) {
    // Four moves per byte, two bits each, least significant first: bit 0 horizontal, bit 1 vertical.
    for (let shift = 0; shift < 8; shift += 2) {
      const bits = (byte >> shift) & 3;
      x = clamp(x + (bits & 1 ? 1 : -1), WIDTH - 1);
      y = clamp(y + (bits & 2 ? 1 : -1), HEIGHT - 1);
      const cell = y * WIDTH + x;
      field[cell] = (field[cell] ?? 0) + 1;
    }
  }
  const end = y * WIDTH + x;
  const rows: string[] = [frame(title, '-')];
  for (let row = 0; row < HEIGHT; row++) {
    let line = '|';
    for (let col = 0; col < WIDTH; col++) {
      const cell = row * WIDTH + col;
      if (cell === end) line += END;
      else if (cell === start) line += START;
      else line += VISITS[Math.min(field[cell] ?? 0, VISITS.length - 1)] ?? ' ';
    }
    rows.push(`${line}|`);
  }
  rows.push(frame(footer, '-'));
  return rows;
}

/** A sha256 in groups of four hex digits, four groups to a line, for reading aloud. */
export function hashGroups(hex: string): string[] {
  const groups = hex.match(/.{1,4}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(' '));
  return lines;
}
