/**
 * A ticket message as a small tree of blocks, rendered to ADF (Jira Cloud), wiki markup (Jira Data
 * Center) or a plain work note (ServiceNow). Text from a decision only ever enters as an inline's
 * `text`: renderers place it in text nodes or escape it, and no block carries a link, so a reason or a
 * requester name can never become markup.
 */

export type Inline = { text: string; strong?: true; code?: true };

export type Block = { kind: 'paragraph'; inlines: Inline[] } | { kind: 'bullets'; items: Inline[][] };

export type TicketDocument = Block[];

// C0/C1 controls except tab, and the bidirectional overrides that can make text read differently
// from what it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Outside text made safe to show on one line: controls removed, line breaks folded into spaces (so
 * it cannot start a heading, a list or a fake "Status:" line), and cut to `max` characters.
 */
export function oneLine(value: string, max = 300): string {
  const flat = value
    .replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
    .replace(UNSAFE, '')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const text = (value: string): Inline => ({ text: value });
export const strong = (value: string): Inline => ({ text: value, strong: true });
export const code = (value: string): Inline => ({ text: value, code: true });
export const paragraph = (...inlines: Inline[]): Block => ({ kind: 'paragraph', inlines });
