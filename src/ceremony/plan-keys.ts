import { isMap, isNode, isScalar, visit, type Document, type LineCounter } from 'yaml';

// Duplicate mapping keys in ceremony.yaml, found in linear time. The yaml library's own check
// (`uniqueKeys`) compares each key with every earlier key of its mapping, which is quadratic:
// a plan of 100,000 holders took minutes. Keys are compared as the strings they become in the
// plan (so `1` and `"1"` collide too: both would land on the same property).

const SHOWN_KEY_LENGTH = 64;

function shownKey(key: string): string {
  const cut = key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}...` : key;
  return JSON.stringify(cut);
}

/** `line N: ...` for every repeated or non-plain key of every mapping, in document order. */
export function duplicateKeyErrors(doc: Document, lines: LineCounter): string[] {
  const errors: string[] = [];
  const at = (offset: number | undefined): string =>
    offset === undefined ? '' : `line ${lines.linePos(offset).line}: `;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) {
          const offset = isNode(key) ? key.range?.[0] : undefined;
          errors.push(`${at(offset)}a mapping key must be a plain value`);
          continue;
        }
        const text = String(key.value);
        if (seen.has(text)) errors.push(`${at(key.range?.[0])}key ${shownKey(text)} is not unique`);
        seen.add(text);
      }
    },
  });
  return errors;
}
