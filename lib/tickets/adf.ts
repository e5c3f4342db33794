/**
 * Atlassian Document Format for Jira Cloud (REST v3). ADF is structured, so outside text needs no
 * escaping as long as it stays in `text` nodes; the only marks used are `strong` and `code`, which carry
 * no attributes, and no `link` mark is ever produced.
 */
import type { Block, Inline, TicketDocument } from './document.ts';

type AdfText = { type: 'text'; text: string; marks?: Array<{ type: 'strong' | 'code' }> };
type AdfNode = { type: string; content?: Array<AdfNode | AdfText> };
export type AdfDocument = { type: 'doc'; version: 1; content: AdfNode[] };

export function toAdf(document: TicketDocument): AdfDocument {
  return { type: 'doc', version: 1, content: document.map(block) };
}

function block(b: Block): AdfNode {
  if (b.kind === 'paragraph') return { type: 'paragraph', content: inlines(b.inlines) };
  return {
    type: 'bulletList',
    content: b.items.map((item) => ({
      type: 'listItem',
      content: [{ type: 'paragraph', content: inlines(item) }],
    })),
  };
}

/** ADF rejects empty text nodes, so they are left out. */
function inlines(list: Inline[]): AdfText[] {
  return list
    .filter((i) => i.text !== '')
    .map((i) => {
      // ADF lets `code` combine only with `link`, so a code span is never also strong.
      if (i.code) return { type: 'text', text: i.text, marks: [{ type: 'code' }] };
      if (i.strong) return { type: 'text', text: i.text, marks: [{ type: 'strong' }] };
      return { type: 'text', text: i.text };
    });
}
