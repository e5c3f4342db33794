/**
 * The chat command grammar, shared by Slack and Feishu/Lark:
 *   accept|reject <vpcep:<serviceId>|apig:<instanceId>> <endpointId> [<endpointId>…] [-- reason]
 *   status <target>
 *   help
 */
import { createHash } from 'node:crypto';
import { type Target, targetFromKey, targetKey, UuidSchema } from '../decision/schema.ts';

export type ChatCommand =
  | {
      kind: 'decide';
      action: 'accept' | 'reject';
      target: Target;
      targetKey: string;
      endpoints: string[];
      reason?: string;
    }
  | { kind: 'status'; target: Target; targetKey: string }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const COMMAND_HELP = [
  'accept <vpcep:<serviceId>|apig:<instanceId>> <endpointId> [<endpointId>…] [-- reason]',
  'reject <vpcep:<serviceId>|apig:<instanceId>> <endpointId> [<endpointId>…] [-- reason]',
  'status <vpcep:<serviceId>|apig:<instanceId>>   (pending connections, with buttons)',
  'help',
].join('\n');

const ACTIONS: Readonly<Record<string, 'accept' | 'reject'>> = {
  accept: 'accept',
  receive: 'accept',
  reject: 'reject',
};

export function parseCommand(text: string): ChatCommand {
  const separator = text.search(/(^|\s)--(\s|$)/);
  const head = separator === -1 ? text : text.slice(0, separator);
  const reason =
    separator === -1
      ? undefined
      : text
          .slice(separator)
          .replace(/^\s*--/, '')
          .trim();
  const [verb, targetText, ...rest] = head
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  if (verb === undefined || verb.toLowerCase() === 'help') return { kind: 'help' };
  const lower = verb.toLowerCase();
  const action = ACTIONS[lower];
  if (action === undefined && lower !== 'status')
    return { kind: 'error', message: `unknown command "${verb}": try help` };
  if (targetText === undefined)
    return { kind: 'error', message: `${lower} needs a target: vpcep:<serviceId> or apig:<instanceId>` };
  const target = targetFromKey(targetText);
  if (target === undefined)
    return { kind: 'error', message: `"${targetText}" is not vpcep:<serviceId> or apig:<instanceId>` };
  const key = targetKey(target);
  if (action === undefined) {
    return rest.length === 0
      ? { kind: 'status', target, targetKey: key }
      : { kind: 'error', message: 'status takes only a target' };
  }
  if (rest.length === 0) return { kind: 'error', message: `${lower} needs at least one endpoint ID` };
  const seen = new Set<string>();
  for (const token of rest) {
    if (!UuidSchema.safeParse(token).success)
      return { kind: 'error', message: `"${token}" is not an endpoint ID (a UUID)` };
    if (seen.has(token.toLowerCase())) return { kind: 'error', message: `endpoint ${token} is listed twice` };
    seen.add(token.toLowerCase());
  }
  const command: ChatCommand = { kind: 'decide', action, target, targetKey: key, endpoints: rest };
  return reason === undefined || reason === '' ? command : { ...command, reason };
}

/**
 * A decision id from the platform's own request identity (Slack's trigger_id, Feishu's event id): a
 * redelivered request gets the same id, so the FIFO queue drops it; a new command gets a new one.
 */
export function decisionIdFor(
  platform: 'slack' | 'feishu' | 'dingtalk' | 'wecom',
  requestKey: string,
): string {
  return `${platform}:${createHash('sha256').update(requestKey).digest('hex').slice(0, 32)}`;
}
