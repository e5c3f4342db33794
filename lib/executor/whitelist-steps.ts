/**
 * The two halves of a permit or revoke: change the accounts' whitelist entries (read, change only what
 * differs, read back to confirm), then act on the accounts' connections (a revoke rejects their pending
 * and accepted ones; a permit with `acceptPending` accepts their pending ones). Failures become results.
 */
import type pLimit from 'p-limit';
import type { AccountResult, EndpointResult } from '../decision/outcome.ts';
import type { Decision, WhitelistAction, WhitelistDecision } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import { type ApiTarget, connectionAction, listConnections } from '../huawei/connections.ts';
import { listWhitelist, type Whitelist } from '../huawei/permissions.ts';
import { changeWhitelist, MAX_ACCOUNTS_PER_CALL } from '../huawei/whitelist.ts';
import type { Logger } from '../log.ts';
import type { MetricsRecorder } from '../metrics.ts';
import { writeProvenance } from './after-acting.ts';
import { chunkCalls } from './plan.ts';
import { changedResult, endpointError, failedResult, unchangedResult } from './results.ts';

export type StepContext = {
  client: HuaweiClient;
  api: ApiTarget;
  deadlineAt: number;
  limit: ReturnType<typeof pLimit>;
  dryRun: boolean;
};

/** An account's state as the outcome reports it: on the whitelist or not. */
export function entryStatus(whitelist: Whitelist, domainId: string): 'permitted' | 'revoked' {
  return whitelist.accounts.has(domainId) ? 'permitted' : 'revoked';
}

export function wantedEntry(action: WhitelistAction): 'permitted' | 'revoked' {
  return action === 'permit' ? 'permitted' : 'revoked';
}

/** Every account `failed` with the same error (the whitelist could not be read). */
export function accountsFailed(accounts: readonly string[], error: VpcepApprovalError): AccountResult[] {
  return accounts.map((domainId) => ({
    domainId,
    status: 'failed',
    changed: false,
    error: endpointError(error),
    attempts: 0,
  }));
}

/**
 * Adds (permit) or removes (revoke) the accounts not yet so, 50 per call, then reads the whitelist back:
 * an account is `permitted`/`revoked` only when the list says so.
 */
export async function changeEntries(
  action: WhitelistAction,
  accounts: readonly string[],
  context: StepContext,
): Promise<AccountResult[]> {
  const read = await listWhitelist(context.client, context.api, { deadlineAt: context.deadlineAt });
  if (!read.ok) return accountsFailed(accounts, read.error);
  const wanted = wantedEntry(action);
  const toChange = accounts.filter((d) => entryStatus(read.body, d) !== wanted);
  if (context.dryRun || toChange.length === 0)
    return accounts.map((domainId) => ({
      domainId,
      status: entryStatus(read.body, domainId),
      changed: context.dryRun && toChange.includes(domainId),
      attempts: 0,
    }));
  const answers = new Map<string, { attempts: number; error?: VpcepApprovalError }>();
  await Promise.all(
    chunkCalls(toChange, MAX_ACCOUNTS_PER_CALL).map((call) =>
      context.limit(async () => {
        const change = action === 'permit' ? 'add' : 'remove';
        const result = await changeWhitelist(context.client, context.api, change, call, context.deadlineAt);
        for (const d of call)
          answers.set(d, { attempts: result.attempts, ...(result.ok ? {} : { error: result.error }) });
      }),
    ),
  );
  // Read back even after a failure: an answer lost on the way may hide a change that was made.
  const after = await listWhitelist(context.client, context.api, { deadlineAt: context.deadlineAt });
  return accounts.map((domainId): AccountResult => {
    const answer = answers.get(domainId);
    if (answer === undefined) return { domainId, status: wanted, changed: false, attempts: 0 };
    const now = after.ok ? entryStatus(after.body, domainId) : undefined;
    if (now === wanted) return { domainId, status: wanted, changed: true, attempts: answer.attempts };
    const error =
      answer.error ??
      (after.ok
        ? new VpcepApprovalError(
            'ACTION_NOT_CONFIRMED',
            `the whitelist call answered, and a read shows the account still ${now}`,
            { retryable: true, statusCode: 502 },
          )
        : after.error);
    return {
      domainId,
      status: 'failed',
      changed: false,
      error: endpointError(error),
      attempts: answer.attempts,
    };
  });
}

/**
 * A revoke rejects the accounts' connections still pending or accepted; a permit with `acceptPending`
 * accepts their pending ones. Answers the per-connection results and the ids per account.
 */
export async function actOnConnections(
  action: WhitelistAction,
  accounts: ReadonlySet<string>,
  context: StepContext,
): Promise<{ results: EndpointResult[]; byAccount: Map<string, string[]> }> {
  const byAccount = new Map<string, string[]>();
  if (accounts.size === 0) return { results: [], byAccount };
  const read = await listConnections(context.client, context.api, { deadlineAt: context.deadlineAt });
  if (!read.ok) {
    // Nothing is known of the connections: one failed result says why, under the target's own id.
    return { results: [failedResult(context.api.targetId, read.error, 0, undefined)], byAccount };
  }
  const from = action === 'revoke' ? ['pendingAcceptance', 'accepted', 'creating'] : ['pendingAcceptance'];
  const chosen = read.body.filter(
    (c) => c.domainId !== undefined && accounts.has(c.domainId.toLowerCase()) && from.includes(c.status),
  );
  for (const c of chosen) {
    const account = (c.domainId as string).toLowerCase();
    byAccount.set(account, [...(byAccount.get(account) ?? []), c.id]);
  }
  if (context.dryRun)
    return { results: chosen.map((c) => ({ ...unchangedResult(c.id, c), changed: true })), byAccount };
  const apiAction = action === 'revoke' ? 'reject' : 'receive';
  const results = new Map<string, EndpointResult>();
  await Promise.all(
    chunkCalls(chosen, context.api.descriptor.maxEndpointsPerAction).map((call) =>
      context.limit(async () => {
        const ids = call.map((c) => c.id);
        const answer = await connectionAction(
          context.client,
          context.api,
          apiAction,
          ids,
          context.deadlineAt,
        );
        for (const c of call) {
          const shown = answer.ok
            ? answer.body.find((s) => s.id.toLowerCase() === c.id.toLowerCase())
            : undefined;
          results.set(
            c.id,
            answer.ok
              ? changedResult(c.id, shown, c, answer.attempts)
              : failedResult(c.id, answer.error, answer.attempts, c),
          );
        }
      }),
    ),
  );
  return { results: chosen.map((c) => results.get(c.id) as EndpointResult), byAccount };
}

/**
 * Writes who decided and why into the VPCEP connections a permit or revoke accepted or rejected, as an
 * accept or reject does: the decision seen as the accept or reject it made of them.
 */
export async function describeActed(
  decision: WhitelistDecision,
  results: readonly EndpointResult[],
  context: StepContext & {
    decidedAt: string;
    approvedBy: readonly string[];
    now: Date;
    logger: Logger;
    metrics: Pick<MetricsRecorder, 'count'>;
  },
): Promise<void> {
  const acted = results.filter((r) => r.changed);
  if (acted.length === 0) return;
  const { accounts: _accounts, acceptPending: _acceptPending, ...common } = decision;
  const asConnections: Decision = {
    ...common,
    action: decision.action === 'revoke' ? 'reject' : 'accept',
    endpoints: acted.map((r) => r.endpointId),
  };
  await writeProvenance(
    {
      decision: asConnections,
      decidedAt: context.decidedAt,
      approvedBy: context.approvedBy,
      results: acted,
      requestIds: new Map(),
      now: context.now,
      logger: context.logger,
      metrics: context.metrics,
    },
    context.client,
    context.api,
    context.deadlineAt,
  );
}
