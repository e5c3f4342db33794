/**
 * The chat functions sign the chat reference they put in a decision's `source`, so the notifier posts
 * only where a chat function told it to: a decision forged on the queue or the webhook carries no valid
 * signature and its outcome is never posted to chat. The HMAC binds the reference to the decision it
 * was made for (id, action, target, requester), so a signed reference copied into another decision
 * does not verify either. The key is `CHATOPS_SOURCE_SIGNING_KEY`, shared by the chat functions and
 * the notifier only.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './compare.ts';

export const MIN_SOURCE_KEY_LENGTH = 32;

/** What a signature covers: the chat reference and the decision it belongs to. */
export type SignedSourceFields = {
  decisionId: string;
  action: string;
  targetKey: string;
  requestedBy: string | undefined;
  source: { system: string; ref?: string | undefined; url?: string | undefined };
};

/** `v1=<hex HMAC-SHA256>` over the fields, each in its own JSON slot so no two inputs collide. */
export function chatSourceSignature(fields: SignedSourceFields, key: string): string {
  const content = JSON.stringify([
    'v1',
    fields.decisionId,
    fields.action,
    fields.targetKey.toLowerCase(),
    fields.requestedBy ?? '',
    fields.source.system,
    fields.source.ref ?? '',
    fields.source.url ?? '',
  ]);
  return `v1=${createHmac('sha256', key).update(content).digest('hex')}`;
}

export function verifyChatSource(
  fields: SignedSourceFields,
  signature: string | undefined,
  key: string,
): boolean {
  return signature !== undefined && constantTimeEqual(signature, chatSourceSignature(fields, key));
}
