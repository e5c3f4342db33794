/**
 * The id an approval card carries on DingTalk (`outTrackId`) and WeCom (`task_id`): it names the
 * connection it asks about, so a click can be checked against the request we raised and still hold
 * open, and it is unique per card (a reminder is a new card). WeCom allows at most 128 bytes of
 * `[0-9a-zA-Z_-@]`, so the separator is `_` and the target's `:` is left out:
 * `vpcep_<serviceId>_<endpointId>_<base36 time>` (about 90 characters).
 */
import { checkTargetKey, targetKey } from '../decision/schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function approvalCardId(target: string, endpointId: string, now: Date): string {
  const [type, id] = target.split(':');
  return `${type}_${id}_${endpointId}_${now.getTime().toString(36)}`.toLowerCase();
}

/** The connection a card id names, or undefined when it is not one of ours. */
export function parseApprovalCardId(cardId: string): { target: string; endpointId: string } | undefined {
  if (cardId.length > 128 || !/^[0-9a-zA-Z_@-]+$/.test(cardId)) return undefined;
  const [type, id, endpointId, stamp, ...rest] = cardId.split('_');
  if (rest.length > 0 || stamp === undefined || !/^[0-9a-z]{1,12}$/.test(stamp)) return undefined;
  if (endpointId === undefined || !UUID.test(endpointId)) return undefined;
  const checked = checkTargetKey(`${type}:${id}`);
  if (!checked.ok) return undefined;
  return { target: targetKey(checked.target).toLowerCase(), endpointId: endpointId.toLowerCase() };
}
