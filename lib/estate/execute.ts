/**
 * A decision run in the estate: the target's account and region come from the estate (listed, or
 * discovered and remembered), the call is made with that account's credentials in that region's
 * project and hosts, and the outcome names both. A target the estate does not cover is `denied` with
 * no call to it. Everything else — dates, the ledger, acting, settling — is the executor's, unchanged.
 */
import { secretValues } from '../config.ts';
import { decisionEcho, deniedOutcome, type Outcome } from '../decision/outcome.ts';
import { fitOutcome } from '../decision/outcome-fit.ts';
import { type AnyDecision, isWhitelistDecision } from '../decision/schema.ts';
import { toApprovalError } from '../errors.ts';
import { type ExecuteOptions, type ExecutorDeps, executeDecision } from '../executor/execute.ts';
import { failedResult } from '../executor/results.ts';
import type { Placement } from '../ledger/placements.ts';
import type { EstateAccess } from './access.ts';
import type { EstateLocator } from './locate.ts';
import type { Estate } from './schema.ts';
import { estateVerdict, locationClash, placementOf } from './verdict.ts';

export type EstateRun = { estate: Estate; access: EstateAccess; locator: EstateLocator };

export async function executeInEstate(
  decision: AnyDecision,
  deps: ExecutorDeps,
  run: EstateRun,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  const clock = deps.clock ?? (() => new Date());
  const startedAt = clock();
  const secrets = deps.secrets ?? secretValues(deps.config.huawei.credentials);
  const deadlineAt = Math.min(
    startedAt.getTime() + deps.config.execution.deadlineMs,
    options.deadlineAt ?? Number.POSITIVE_INFINITY,
  );
  const deny = (message: string) => {
    deps.logger?.warn('decision denied by the estate', {
      decisionId: decision.id,
      code: 'TARGET_NOT_IN_ESTATE',
    });
    return fitOutcome(deniedOutcome(decision, { code: 'TARGET_NOT_IN_ESTATE', message }, startedAt), {
      secrets,
    });
  };
  const verdict = estateVerdict(run.estate, decision.target);
  if (!verdict.allowed) return deny(verdict.message);

  let projectId: string;
  let placement: Placement;
  try {
    const place = await run.locator.locate(decision.target, deadlineAt);
    if (place === undefined)
      return deny(`target ${targetText(decision)} is in no region of VPCEP_APPROVAL_ESTATE`);
    placement = placementOf(place);
    projectId = await run.access.projectOf(place, deadlineAt);
    const clash = locationClash(decision.target, place, projectId);
    if (clash !== undefined) return deny(clash);
  } catch (error) {
    // The estate could not say where the target is, or its project: IAM or the ledger failed. Each
    // endpoint reports it, retryable as the failure is, and nothing was changed.
    const failure = toApprovalError(error);
    deps.logger?.warn('estate placement failed', { decisionId: decision.id, code: failure.code });
    const outcome: Outcome = {
      decisionId: decision.id,
      action: decision.action,
      target: decision.target,
      status: 'failed',
      results: isWhitelistDecision(decision)
        ? []
        : decision.endpoints.map((id) => failedResult(id, failure, 0, undefined)),
      ...decisionEcho(decision),
      startedAt: startedAt.toISOString(),
      finishedAt: clock().toISOString(),
    };
    return fitOutcome(outcome, { secrets });
  }
  const account = run.estate.accounts.find((a) => a.name === placement.account);
  if (account === undefined) return deny(`account ${placement.account} is not in VPCEP_APPROVAL_ESTATE`);
  const outcome = await executeDecision(
    decision,
    {
      ...deps,
      client: run.access.clientFor(account),
      secrets,
      // Placed already: the executor's own admission sees a plain target in a known project (built
      // field by field, so no estate rides along to it).
      config: {
        execution: deps.config.execution,
        allowedTargets: undefined,
        huawei: { ...deps.config.huawei, defaultProjectId: projectId, defaultRegion: placement.region },
      },
    },
    { ...options, deadlineAt },
  );
  return { ...outcome, placement };
}

function targetText(decision: AnyDecision): string {
  const { target } = decision;
  return target.type === 'vpcep' ? `vpcep:${target.serviceId}` : `apig:${target.instanceId}`;
}
