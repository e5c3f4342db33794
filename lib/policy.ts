/** Policy: which targets a decision may touch. Checked after validation and before any call. */
import { type AnyDecision, targetFromKey, targetKey } from './decision/schema.ts';

/** `vpcep:<uuid>` or `apig:<32 hex>` normalized (lower-cased); undefined when the text is neither. */
export function parseTargetKey(text: string): string | undefined {
  const target = targetFromKey(text);
  return target === undefined ? undefined : targetKey(target).toLowerCase();
}

export type PolicyVerdict =
  | { allowed: true }
  | { allowed: false; code: 'TARGET_NOT_ALLOWED'; message: string };

/** With no allowlist configured every target is allowed; with one, only the targets it names. */
export function checkPolicy(
  decision: AnyDecision,
  allowedTargets: ReadonlySet<string> | undefined,
): PolicyVerdict {
  if (allowedTargets === undefined) return { allowed: true };
  const key = targetKey(decision.target);
  if (allowedTargets.has(key.toLowerCase())) return { allowed: true };
  return {
    allowed: false,
    code: 'TARGET_NOT_ALLOWED',
    message: `target ${key} is not in VPCEP_APPROVAL_ALLOWED_TARGETS`,
  };
}
