/**
 * `pending` and `history`: the approval loop seen from a terminal. `pending` lists what waits on the
 * targets and what the rules would do with it (nothing is decided); `history` reads the ledger.
 */
import { type Config, loadConfig } from '../config.ts';
import { checkTargetKey, type Target, targetKey, UuidSchema } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ConfigError, toApprovalError, ValidationError } from '../errors.ts';
import { ESTATE_VARIABLE, parseEstate } from '../estate/schema.ts';
import { placementOf } from '../estate/verdict.ts';
import type { AppliedDecision } from '../ledger/ledger.ts';
import type { Placement, PlacementStore } from '../ledger/placements.ts';
import { normalizeTarget } from '../ledger/records.ts';
import type { Logger } from '../log.ts';
import { evaluateTarget, type RuleVerdict } from '../rules/evaluate.ts';
import { DEFAULT_TARGET, parseRules, RULES_VARIABLE, rulesFor } from '../rules/schema.ts';
import { createRuntime } from '../runtime.ts';
import { huaweiListing } from '../sweeper/huawei-listing.ts';
import type { CliIo } from './io.ts';
import { LEDGER_TABLE_VARIABLE, loadLoopSettings } from './loop-config.ts';
import { emit, type OutputMode, printable, table } from './output.ts';
import { TARGET_REQUIRED, usageError } from './report.ts';

export type PendingRow = {
  endpointId: string;
  domainId?: string;
  createdAt?: string;
  /** What the rules would do: accept, reject, or ask people. */
  would: 'accept' | 'reject' | 'ask';
  rule: string;
  reason: string;
  approvalsRequired?: number;
};

export type PendingTarget =
  | { target: string; connections: PendingRow[] }
  | { target: string; error: { code: string; message: string } };

/** Exit 0 when every target was listed, 1 when one could not be. */
export async function pendingCommand(
  targetText: string | undefined,
  io: CliIo,
  mode: OutputMode,
  options: { clock: () => Date; logger: (config: Config) => Logger },
): Promise<number> {
  const config = loadConfig(io.env);
  const rules = parseRules(io.env[RULES_VARIABLE]);
  const targets = pendingTargets(targetText, config, [...rules.targets.keys()]);
  for (const target of targets) {
    const resolution = resolveTarget(target, config.huawei);
    if (!resolution.ok) throw new ValidationError(resolution.issues, 'incomplete target');
  }
  const logger = options.logger(config);
  const runtime = await createRuntime(config, { logger });
  try {
    const list = huaweiListing({
      client: runtime.client,
      huawei: config.huawei,
      deadlineMs: config.execution.deadlineMs,
      clock: options.clock,
    });
    const results: PendingTarget[] = await Promise.all(
      targets.map(async (target): Promise<PendingTarget> => {
        const key = targetKey(target);
        const targetRules = rulesFor(rules, key);
        try {
          const listing = await list(key, {
            countAccepted: targetRules.maxConnectionsPerAccount !== undefined,
          });
          const verdicts = evaluateTarget(
            targetRules,
            listing.pending,
            listing.acceptedByAccount,
            options.clock(),
          );
          return {
            target: key,
            connections: verdicts.map(({ connection, verdict }) => row(connection, verdict)),
          };
        } catch (error) {
          const failure = toApprovalError(error);
          return { target: key, error: { code: failure.code, message: failure.message } };
        }
      }),
    );
    emit(mode, io.stdout, { targets: results }, () => pendingText(results));
    return results.some((r) => 'error' in r) ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

/** `--target`, else every target the rules or the allowlist name. */
function pendingTargets(targetText: string | undefined, config: Config, ruleKeys: string[]): Target[] {
  if (targetText !== undefined) {
    const checked = checkTargetKey(targetText);
    if (!checked.ok) throw usageError(checked.message, '--target');
    return [checked.target];
  }
  const keys = new Set([...ruleKeys.filter((k) => k !== DEFAULT_TARGET), ...(config.allowedTargets ?? [])]);
  const targets = [...keys].flatMap((key) => {
    const checked = checkTargetKey(key);
    return checked.ok ? [checked.target] : [];
  });
  if (targets.length === 0)
    throw usageError(
      `name a target, or list targets in ${RULES_VARIABLE} or VPCEP_APPROVAL_ALLOWED_TARGETS`,
      '--target',
    );
  return targets;
}

function row(
  connection: { endpointId: string; domainId?: string; createdAt?: string },
  verdict: RuleVerdict,
): PendingRow {
  const base = {
    endpointId: connection.endpointId,
    ...(connection.domainId === undefined ? {} : { domainId: connection.domainId }),
    ...(connection.createdAt === undefined ? {} : { createdAt: connection.createdAt }),
    rule: verdict.rule,
    reason: verdict.reason,
  };
  return verdict.kind === 'decide'
    ? { ...base, would: verdict.action }
    : { ...base, would: 'ask', approvalsRequired: verdict.approvalsRequired };
}

function pendingText(results: readonly PendingTarget[]): string {
  return results
    .map((result) => {
      if ('error' in result)
        return printable(`${result.target}: could not list: ${result.error.code}: ${result.error.message}`);
      const count = `${result.connections.length} pending`;
      if (result.connections.length === 0) return printable(`${result.target}: ${count}`);
      return `${printable(`${result.target}: ${count}`)}\n${table(
        ['ENDPOINT', 'ACCOUNT', 'SINCE', 'WOULD', 'RULE', 'WHY'],
        result.connections.map((c) => [
          c.endpointId,
          c.domainId ?? '-',
          c.createdAt ?? '-',
          c.would,
          c.rule,
          c.reason,
        ]),
      )}`;
    })
    .map((block) => `${block}\n`)
    .join('');
}

/** Exit 2 without LEDGER_TABLE_NAME (naming it), 1 when the ledger cannot be read. */
export async function historyCommand(
  targetText: string | undefined,
  endpoint: string | undefined,
  io: CliIo,
  mode: OutputMode,
): Promise<number> {
  const settings = loadLoopSettings(io.env);
  if (settings.tableName === undefined)
    throw new ConfigError(LEDGER_TABLE_VARIABLE, 'must be set: history reads the ledger table');
  if (targetText === undefined) throw usageError(TARGET_REQUIRED, '--target');
  const checked = checkTargetKey(targetText);
  if (!checked.ok) throw usageError(checked.message, '--target');
  if (endpoint !== undefined && !UuidSchema.safeParse(endpoint).success)
    throw usageError('must be a UUID', '--endpoint');
  const key = normalizeTarget(targetKey(checked.target));
  const { cliLedger, ledgerAccessLines } = await import('./ledger-client.ts');
  const { ledger, placements, close } = cliLedger(io.env, settings.tableName);
  let decisions: AppliedDecision[];
  let placement: Placement | undefined;
  try {
    [decisions, placement] = await Promise.all([
      ledger.history(key, endpoint === undefined ? {} : { endpointId: endpoint }),
      placementIn(io.env, key, placements),
    ]);
  } catch (error) {
    // What was tried, so a person can tell a wrong table from a wrong region or endpoint.
    const failure = toApprovalError(error);
    const cause = failure.cause instanceof Error ? `: ${failure.cause.message}` : '';
    const lines = [
      `history could not read the ledger: ${failure.code}: ${failure.message}${cause}`,
      ...ledgerAccessLines(io.env, settings.tableName),
    ];
    io.stderr(`${lines.map(printable).join('\n')}\n`);
    return 1;
  } finally {
    close();
  }
  emit(mode, io.stdout, { target: key, ...(placement === undefined ? {} : { placement }), decisions }, () =>
    historyText(
      placement === undefined ? key : `${key} (${placement.account}, ${placement.region})`,
      decisions,
    ),
  );
  return 0;
}

/**
 * With VPCEP_APPROVAL_ESTATE, the target's account and region: where the estate lists it, or where a
 * sweep found it. Undefined without an estate, or for a target no sweep has found.
 */
async function placementIn(
  env: Readonly<Record<string, string | undefined>>,
  key: string,
  placements: PlacementStore,
): Promise<Placement | undefined> {
  const text = env[ESTATE_VARIABLE]?.trim();
  if (text === undefined || text === '') return undefined;
  const estate = parseEstate(text);
  const listed = estate.listed.get(key.toLowerCase());
  if (listed !== undefined) return placementOf(listed);
  return placements.placement(key);
}

function historyText(target: string, decisions: readonly AppliedDecision[]): string {
  const count = `${decisions.length} decision${decisions.length === 1 ? '' : 's'}`;
  if (decisions.length === 0) return `${printable(target)}: ${count}\n`;
  return `${printable(target)}: ${count}\n${table(
    ['DECIDED', 'ENDPOINT', 'ACTION', 'STATUS', 'DECISION', 'ASKED BY', 'DECIDED BY', 'SOURCE'],
    decisions.map((d) => [
      d.decidedAt,
      d.endpointId,
      d.action,
      d.status ?? '-',
      d.decisionId,
      d.requestedBy ?? '-',
      d.approvedBy.length === 0 ? '-' : d.approvedBy.join(', '),
      d.source === undefined ? '-' : [d.source.system, d.source.ref].filter(Boolean).join(' '),
    ]),
  )}\n`;
}
