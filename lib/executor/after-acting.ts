/**
 * After acting: write who decided and why into the VPCEP connections' descriptions (APIG has no such
 * API), and record the decision in the ledger for every connection it now governs. Neither may fail the
 * decision — the connections are already in their new state — so failures are logged and counted.
 */
import pLimit from 'p-limit';
import { type EndpointResult, wantedStatus } from '../decision/outcome.ts';
import { type Decision, targetKey } from '../decision/schema.ts';
import { ConfigError } from '../errors.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import { describeConnections } from '../huawei/describe.ts';
import { provenanceDescription } from '../huawei/provenance.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Logger } from '../log.ts';
import type { MetricsRecorder } from '../metrics.ts';
import { chunkCalls } from './plan.ts';

/** Connections per description call: the body stays small (each line is up to 512 bytes). */
const DESCRIPTIONS_PER_CALL = 50;
const DESCRIBE_CONCURRENCY = 4;

export type AfterActingContext = {
  decision: Decision;
  decidedAt: string;
  approvedBy: readonly string[];
  /** The CLI's break-glass reason, when an operator acted without approvals. */
  breakGlass?: string;
  results: readonly EndpointResult[];
  /** Huawei's request ids per endpoint (the read before acting and its action call). */
  requestIds: ReadonlyMap<string, readonly string[]>;
  now: Date;
  logger: Logger;
  metrics: Pick<MetricsRecorder, 'count'>;
};

/** The endpoints the decision now governs: in the wanted state (or an accept settling). */
export function appliedResults(decision: Decision, results: readonly EndpointResult[]): EndpointResult[] {
  const wanted = wantedStatus(decision.action);
  return results.filter(
    (r) => r.status === wanted || (decision.action === 'accept' && r.status === 'creating'),
  );
}

/** Sets the provenance line on the connections this run changed. Failures are logged and counted. */
export async function writeProvenance(
  context: AfterActingContext,
  client: HuaweiClient,
  api: ApiTarget,
  deadlineAt: number,
): Promise<void> {
  if (api.descriptor.service !== 'vpcep') return;
  const { decision } = context;
  const changed = appliedResults(decision, context.results).filter((r) => r.changed);
  if (changed.length === 0) return;
  const description = provenanceDescription({
    action: decision.action,
    at: context.now,
    decisionId: decision.id,
    ...(decision.requestedBy === undefined ? {} : { requestedBy: decision.requestedBy }),
    approvedBy: context.approvedBy,
    ...(context.breakGlass === undefined ? {} : { breakGlass: context.breakGlass }),
    ...(decision.source === undefined ? {} : { source: decision.source }),
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
  });
  // Calls of up to 50 connections, a few at once: a 500-endpoint decision adds 10 calls, not 10 waits.
  const limit = pLimit(DESCRIBE_CONCURRENCY);
  await Promise.all(
    chunkCalls(changed, DESCRIPTIONS_PER_CALL).map((call) =>
      limit(async () => {
        let problem: string | undefined;
        try {
          const written = await describeConnections(
            client,
            api,
            call.map((r) => ({ endpointId: r.endpointId, description })),
            { deadlineAt },
          );
          if (!written.ok) problem = `${written.error.code}: ${written.error.message}`;
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
        if (problem === undefined) return;
        context.metrics.count('DescriptionWriteFailed', call.length);
        context.logger.warn('could not write the provenance description', {
          decisionId: decision.id,
          endpoints: call.length,
          problem,
        });
      }),
    ),
  );
}

/** Records the decision on every connection it governs now. Failures are logged and counted. */
export async function recordApplied(
  context: AfterActingContext,
  ledger: Pick<Ledger, 'recordDecision'>,
): Promise<void> {
  const { decision } = context;
  const target = targetKey(decision.target);
  const appliedAt = context.now.toISOString();
  const limit = pLimit(16);
  await Promise.all(
    appliedResults(decision, context.results).map((result) =>
      limit(async () => {
        try {
          await ledger.recordDecision({
            decisionId: decision.id,
            action: decision.action,
            target,
            endpointId: result.endpointId,
            ...(decision.requestedBy === undefined ? {} : { requestedBy: decision.requestedBy }),
            approvedBy: [...context.approvedBy],
            ...(context.breakGlass === undefined ? {} : { breakGlass: context.breakGlass }),
            ...(decision.source === undefined ? {} : { source: sourceOf(decision.source) }),
            huaweiRequestIds: [...(context.requestIds.get(result.endpointId.toLowerCase()) ?? [])],
            status: result.status,
            appliedAt,
            decidedAt: context.decidedAt,
          });
        } catch (error) {
          context.metrics.count('LedgerWriteFailed');
          context.logger.error('could not record the decision in the ledger', {
            decisionId: decision.id,
            endpointId: result.endpointId,
            error,
          });
        }
      }),
    ),
  );
}

/** The ledger keeps where it came from, not the chat functions' signature. */
function sourceOf(source: NonNullable<Decision['source']>): { system: string; ref?: string; url?: string } {
  return {
    system: source.system,
    ...(source.ref === undefined ? {} : { ref: source.ref }),
    ...(source.url === undefined ? {} : { url: source.url }),
  };
}

export const DESCRIBE_VARIABLE = 'VPCEP_APPROVAL_DESCRIBE';

/** `VPCEP_APPROVAL_DESCRIBE`: on unless `false`. */
export function parseDescribe(value: string | undefined): boolean {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigError(DESCRIBE_VARIABLE, 'must be true or false');
}
