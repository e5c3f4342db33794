/**
 * Who may decide from chat. `SLACK_ALLOWED_USERS` / `FEISHU_ALLOWED_USERS` list user IDs, comma- or
 * space-separated; an entry `USER@vpcep:<serviceId>` (or `@apig:<instanceId>`) allows that user on that
 * target only. Unset or empty allows no one: chat can change production, so it fails closed.
 */
import { ConfigError } from '../errors.ts';
import { parseTargetKey } from '../policy.ts';

export type ChatAllowlist = ReadonlyMap<string, ReadonlySet<string> | 'any'>;

export function parseChatAllowlist(variable: string, value: string | undefined): ChatAllowlist {
  const users = new Map<string, Set<string> | 'any'>();
  for (const entry of (value ?? '').split(/[\s,]+/).filter((e) => e !== '')) {
    const at = entry.indexOf('@');
    const user = at === -1 ? entry : entry.slice(0, at);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(user))
      throw new ConfigError(variable, `"${entry}" does not start with a user ID`);
    if (at === -1) {
      users.set(user, 'any');
      continue;
    }
    const target = parseTargetKey(entry.slice(at + 1));
    if (target === undefined)
      throw new ConfigError(variable, `"${entry}": after @ comes vpcep:<serviceId> or apig:<instanceId>`);
    const current = users.get(user);
    if (current === 'any') continue;
    users.set(user, new Set([...(current ?? []), target]));
  }
  return users;
}

/** Whether `user` may decide on the target (`vpcep:<id>` / `apig:<id>`). */
export function mayDecide(allowlist: ChatAllowlist, user: string, targetKey: string): boolean {
  const allowed = allowlist.get(user);
  return allowed === 'any' || allowed?.has(targetKey.toLowerCase()) === true;
}
