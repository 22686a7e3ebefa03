import { isJsonObject, type JsonObject, type JsonValue } from '../metadata/json.js';
import type { Plan } from './plan.js';
import { EVENT_TYPES, type TranscriptEvent } from './transcript.js';
import { escapeTerminal } from '../metadata/terminal-text.js';

// The human-readable record of a ceremony (summary.md): who enrolled which key, which bytes were
// signed by whom and when, and the hashes of the files the ceremony published.

/** Extra facts for the summary heading. */
export interface SummaryOptions {
  /** The ceremony id (the ceremony-logs/<id> folder). */
  ceremonyId?: string;
  /** Head (last seq, sha256) of each actor's chain, listed so readers can compare. */
  heads?: ReadonlyMap<string, { seq: number; sha256: string }>;
}

function cell(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  const text =
    typeof v === 'string'
      ? v
      : Array.isArray(v)
        ? v.map((x) => cell(x)).join(', ')
        : JSON.stringify(v);
  return escapeTerminal(text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));
}

function code(v: JsonValue | undefined): string {
  const text = cell(v);
  return text === '' ? '' : `\`${text.replace(/`/g, "'")}\``;
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function holderLabel(plan: Plan | undefined, holder: JsonValue | undefined): string {
  const id = cell(holder);
  const h =
    plan && Object.prototype.hasOwnProperty.call(plan.holders, id) ? plan.holders[id] : undefined;
  return h?.name ? `${id} (${cell(h.name)})` : id;
}

function ofType(events: readonly TranscriptEvent[], ...types: string[]): TranscriptEvent[] {
  return events.filter((e) => types.includes(e.type));
}

function section(title: string, lines: string[], empty: string): string[] {
  return ['', `## ${title}`, '', ...(lines.length > 0 ? lines : [empty])];
}

function attestation(data: JsonObject): string {
  const a = data.attestation;
  if (!isJsonObject(a)) return '';
  if (typeof a.verified === 'boolean') return a.verified ? 'verified' : 'NOT verified';
  // Attestations are recorded only once verified (e.g. `yubikey-piv`, with the device serial).
  if (typeof a.kind === 'string') {
    return `${cell(a.kind)} verified${typeof a.serial === 'number' ? `, serial ${a.serial}` : ''}`;
  }
  return cell(a.summary ?? a.result ?? 'recorded');
}

function files(data: JsonObject): [string, JsonValue][] {
  const f = data.files;
  if (isJsonObject(f)) return Object.entries(f).sort(([a], [b]) => a.localeCompare(b));
  return [];
}

function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => cell(x)) : [];
}

/** What staging found the ceremony does to Sigstore trust material, and the checks before signing. */
function trustSection(events: readonly TranscriptEvent[]): string[] {
  const checked = ofType(events, 'sigstore.checked');
  if (checked.length === 0) return [];
  const lines: string[] = [];
  for (const e of checked) {
    const changes = strings(e.data.changes);
    const warnings = strings(e.data.warnings);
    const canaries = strings(e.data.canaries);
    const by = e.actor === 'coordinator' ? 'staged' : `checked before ${cell(e.actor)} signed`;
    lines.push(`- ${e.time}, ${by}:`);
    for (const c of changes) lines.push(`  - ${c}`);
    for (const w of warnings) lines.push(`  - warning: ${w}`);
    if (canaries.length > 0) lines.push(`  - canaries verified: ${canaries.join(', ')}`);
  }
  return section('Sigstore trust material', lines, '');
}

/** Markdown summary of a ceremony's events (merged in time order), optionally with its plan. */
export function renderSummary(
  events: readonly TranscriptEvent[],
  plan?: Plan,
  options: SummaryOptions = {},
): string {
  const started = ofType(events, 'ceremony.started')[0];
  const finalized = ofType(events, 'ceremony.finalized').at(-1);
  const id = options.ceremonyId ?? cell(started?.data.ceremony_id);
  const out = [`# Ceremony ${id || '(unnamed)'}`, ''];
  if (plan) out.push(`Trust root: **${cell(plan.name)}** (plan ${cell(plan.file)})`, '');
  out.push(
    `- Events: ${events.length}, from ${events[0]?.time ?? '-'} to ${events.at(-1)?.time ?? '-'}`,
    `- Finalized: ${finalized ? finalized.time : 'not yet'}`,
  );

  const keys = ofType(events, 'key.enrolled').map((e) => [
    holderLabel(plan, e.data.holder),
    code(e.data.keyid),
    code(e.data.fingerprint),
    cell(e.data.keytype ?? e.data.scheme),
    cell(e.data.key_ref_scheme ?? e.data.key_ref),
    attestation(e.data),
    e.time,
  ]);
  out.push(
    ...section(
      'Keys enrolled',
      keys.length > 0
        ? table(
            ['Holder', 'Key id', 'Fingerprint', 'Type', 'Stored in', 'Attestation', 'When'],
            keys,
          )
        : [],
      'No keys were enrolled in this ceremony.',
    ),
  );

  const staged = ofType(events, 'role.staged', 'role.restaged', 'role.refreshed').map((e) => [
    cell(e.data.role),
    cell(e.data.version),
    code(e.data.sha256),
    e.type === 'role.staged' ? 'staged' : e.type === 'role.restaged' ? 'staged again' : 'refreshed',
    e.time,
  ]);
  out.push(
    ...section(
      'Metadata to sign (sha256 of the canonical bytes)',
      staged.length > 0 ? table(['Role', 'Version', 'sha256', 'Event', 'When'], staged) : [],
      'No metadata was staged.',
    ),
  );

  const sigs = ofType(events, 'signature.added', 'signature.imported', 'signature.stale').map(
    (e) => [
      e.time,
      holderLabel(plan, e.data.holder ?? e.actor),
      cell(e.data.role),
      code(typeof e.data.keyid === 'string' ? e.data.keyid.slice(0, 16) : e.data.keyid),
      code(e.data.signed_sha256),
      e.type === 'signature.stale' ? 'stale (bytes changed; not counted)' : cell(e.data.counts_for),
    ],
  );
  out.push(
    ...section(
      'Signatures',
      sigs.length > 0
        ? table(['When', 'Holder', 'Role', 'Key id', 'Signed bytes (sha256)', 'Counts for'], sigs)
        : [],
      'No signatures were made.',
    ),
  );

  out.push(...trustSection(events));

  const published = finalized
    ? files(finalized.data).map(([name, sha]) => [code(name), code(sha)])
    : [];
  out.push(
    ...section(
      'Published files',
      published.length > 0 ? table(['File', 'sha256'], published) : [],
      finalized ? 'The finalize event lists no files.' : 'The ceremony is not finalized.',
    ),
  );

  const known = new Set<string>(EVENT_TYPES);
  const other = events.filter(
    (e) => !known.has(e.type) || e.type === 'ceremony.published' || e.type === 'ceremony.abandoned',
  );
  if (other.length > 0) {
    out.push(
      ...section(
        'Other events',
        table(
          ['When', 'Actor', 'Event'],
          other.map((e) => [e.time, cell(e.actor), cell(e.type)]),
        ),
        '',
      ),
    );
  }
  if (options.heads && options.heads.size > 0) {
    const heads = [...options.heads].map(([actor, h]) => [
      cell(actor),
      String(h.seq),
      code(h.sha256),
    ]);
    out.push(
      ...section(
        'Transcript chains',
        table(['Actor', 'Events', 'Hash of the last event'], heads),
        '',
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
