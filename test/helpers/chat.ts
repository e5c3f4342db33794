/** The chat functions' source-signing key in tests, and outcomes signed the way a chat function signs. */
import { chatSourceSignature } from '../../lib/auth/chat-source.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { targetKey } from '../../lib/decision/schema.ts';

export const CHAT_SOURCE_KEY = 'chatops-source-signing-key-for-tests-0001';

/** The outcome with its source signed as a chat function would have signed its decision's source. */
export function signOutcomeSource<T extends Outcome>(outcome: T, key = CHAT_SOURCE_KEY): T {
  const { decisionId, action, target, source } = outcome;
  if (decisionId === null || action === undefined || target === undefined || source === undefined)
    throw new Error('only an outcome with an id, action, target and source can be signed');
  const { signature: _old, ...unsigned } = source;
  const signature = chatSourceSignature(
    { decisionId, action, targetKey: targetKey(target), requestedBy: outcome.requestedBy, source: unsigned },
    key,
  );
  return { ...outcome, source: { ...unsigned, signature } };
}
