/**
 * Jira wiki markup for Jira Data Center (REST v2 comment bodies are wiki text). Every character that
 * starts markup in outside text is escaped with a backslash; a backslash itself becomes an entity,
 * since `\\` is a forced line break; `://` loses its colon to an entity so no bare URL turns into a link.
 */
import type { Block, Inline, TicketDocument } from './document.ts';

/** One pass, so the entities and backslashes it writes are never escaped again. */
const SPECIAL = /\\|:(?=\/\/)|[*_?\-+^~{}[\]|!#]/g;

export function escapeWiki(value: string): string {
  return value.replace(SPECIAL, (c) => {
    if (c === '\\') return '&#92;';
    if (c === ':') return '&#58;';
    return `\\${c}`;
  });
}

export function toWiki(document: TicketDocument): string {
  return document.map(block).join('\n\n');
}

function block(b: Block): string {
  if (b.kind === 'paragraph') return inlines(b.inlines);
  return b.items.map((item) => `* ${inlines(item)}`).join('\n');
}

function inlines(list: Inline[]): string {
  return list
    .filter((i) => i.text !== '')
    .map((i) => {
      const escaped = escapeWiki(i.text);
      if (i.code) return `{{${escaped}}}`;
      return i.strong ? `*${escaped}*` : escaped;
    })
    .join('');
}
