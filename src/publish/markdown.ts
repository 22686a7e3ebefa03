/**
 * Escapes text for a Markdown table cell or inline text: HTML is neutralized (no hidden
 * comments or tags can be injected into a body the tool later parses), pipes and Markdown
 * punctuation are escaped, newlines become spaces.
 */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** A list of names for a table cell, or an em dash when empty. */
export function mdList(names: readonly string[]): string {
  return names.length === 0 ? '—' : names.map(mdText).join(', ');
}
