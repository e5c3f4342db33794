/**
 * `whitelist <target>`: who may create endpoints on a target at all, each account marked with what the
 * rules say of it (trusted by `autoAccept`, refused by `autoReject`), and the trusted accounts missing
 * from it (what `manageWhitelist` would add). Read only.
 */
import { type Config, loadConfig } from '../config.ts';
import { checkTargetKey, targetKey } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ValidationError } from '../errors.ts';
import { listWhitelist } from '../huawei/permissions.ts';
import type { Logger } from '../log.ts';
import { parseRules, RULES_VARIABLE, rulesFor } from '../rules/schema.ts';
import { createRuntime } from '../runtime.ts';
import type { CliIo } from './io.ts';
import { emit, type OutputMode, printable, table } from './output.ts';
import { usageError } from './report.ts';

export type WhitelistEntry = {
  domainId: string;
  /** In the target's `autoAccept`. */
  trusted: boolean;
  /** In the target's `autoReject`: on the whitelist, yet every connection of it is rejected. */
  refused: boolean;
};

export type WhitelistView = {
  target: string;
  /** `*` is on the list: every account may create endpoints. */
  everyone: boolean;
  accounts: WhitelistEntry[];
  /** `autoAccept` accounts not on the list: what `manageWhitelist` would permit. */
  missing: string[];
};

/** Exit 0 with the whitelist, 1 when it could not be read, 2 for a bad target or configuration. */
export async function whitelistCommand(
  targetText: string | undefined,
  io: CliIo,
  mode: OutputMode,
  options: { logger: (config: Config) => Logger },
): Promise<number> {
  if (targetText === undefined)
    throw usageError('name the target: whitelist <vpcep:<id>|apig:<id>>', 'target');
  const checked = checkTargetKey(targetText);
  if (!checked.ok) throw usageError(checked.message, 'target');
  const config = loadConfig(io.env);
  const rules = rulesFor(parseRules(io.env[RULES_VARIABLE]), targetKey(checked.target));
  const resolution = resolveTarget(checked.target, config.huawei);
  if (!resolution.ok) throw new ValidationError(resolution.issues, 'incomplete target');
  const logger = options.logger(config);
  const runtime = await createRuntime(config, { logger });
  try {
    const read = await listWhitelist(runtime.client, resolution.api, {
      deadlineAt: Date.now() + config.execution.deadlineMs,
    });
    if (!read.ok) {
      io.stderr(`whitelist failed: ${read.error.code}: ${read.error.message}\n`);
      return 1;
    }
    const trusted = new Set(rules.autoAccept ?? []);
    const refused = new Set(rules.autoReject ?? []);
    const view: WhitelistView = {
      target: targetKey(resolution.resolved).toLowerCase(),
      everyone: read.body.everyone,
      accounts: [...read.body.accounts]
        .sort()
        .map((domainId) => ({ domainId, trusted: trusted.has(domainId), refused: refused.has(domainId) })),
      missing: [...trusted].filter((d) => !read.body.accounts.has(d)).sort(),
    };
    emit(mode, io.stdout, view, () => whitelistText(view));
    return 0;
  } finally {
    await runtime.close();
  }
}

export function whitelistText(view: WhitelistView): string {
  const count = `${view.accounts.length} account${view.accounts.length === 1 ? '' : 's'}`;
  const lines = [printable(`${view.target}: ${count}${view.everyone ? ', and * (every account)' : ''}`)];
  if (view.accounts.length > 0)
    lines.push(
      table(
        ['ACCOUNT', 'RULES'],
        view.accounts.map((a) => [
          a.domainId,
          a.refused ? 'autoReject' : a.trusted ? 'autoAccept (trusted)' : '-',
        ]),
      ),
    );
  if (view.missing.length > 0) lines.push(`trusted but not on the whitelist: ${view.missing.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
