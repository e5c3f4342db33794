/**
 * ServiceNow work notes are plain text, except that a journal field renders whatever sits between
 * `[code]` and `[/code]` as HTML. Outside text therefore has the bracket of any such tag replaced, in
 * any case or spacing ServiceNow might accept; the rest is shown as typed.
 */
import type { Block, Inline, TicketDocument } from './document.ts';

const CODE_TAG = /\[(?=\s*\/?\s*code)/gi;

export function neutraliseCodeTags(value: string): string {
  return value.replace(CODE_TAG, '(');
}

export function toWorkNote(document: TicketDocument): string {
  return document.map(block).join('\n\n');
}

function block(b: Block): string {
  if (b.kind === 'paragraph') return inlines(b.inlines);
  return b.items.map((item) => `- ${inlines(item)}`).join('\n');
}

function inlines(list: Inline[]): string {
  return list.map((i) => neutraliseCodeTags(i.text)).join('');
}
