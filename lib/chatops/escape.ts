/**
 * Escaping of text built from decision fields (requestedBy, reason, ids…) before it goes into a chat
 * message, so a forged or careless value cannot mention everyone, link elsewhere or reformat the
 * message the app posts.
 */

/**
 * Slack mrkdwn: `&`, `<` and `>` are the control characters Slack asks apps to escape; with them
 * escaped, `<!channel>`, `<@U…>` and `<https://…|text>` show as text.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Feishu/Lark `text` messages and `lark_md`: mentions (`<at user_id="all"></at>`) and links are tags
 * and markdown. Feishu documents HTML entities for these characters in card markdown, but a text
 * message shows entities literally, so tags are defused with look-alike angle brackets there and the
 * markdown characters are entity-escaped in lark_md.
 */
export function escapeFeishuText(text: string): string {
  return text.replace(/</g, '\uFF1C').replace(/>/g, '\uFF1E');
}

const LARK_MD_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
};

export function escapeLarkMd(text: string): string {
  return text.replace(/[&<>*_~`[\]()]/g, (c) => LARK_MD_ENTITIES[c] ?? c);
}
