/** The estate's wiring for a function or the CLI: access, locator and the pending read, built once. */
import { type HuaweiConfig, requireCredentials } from '../config.ts';
import type { Target } from '../decision/schema.ts';
import { targetKey } from '../decision/schema.ts';
import { PolicyDeniedError } from '../errors.ts';
import type { executeDecision } from '../executor/execute.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { Connection } from '../huawei/connection-schema.ts';
import { type ApiTarget, listConnections } from '../huawei/connections.ts';
import { memoryPlacements, type PlacementStore } from '../ledger/placements.ts';
import { estateAccess } from './access.ts';
import { type EstateRun, executeInEstate } from './execute.ts';
import { estateLocator } from './locate.ts';
import type { Estate, EstateRegion } from './schema.ts';

export function estateRun(
  estate: Estate,
  huawei: HuaweiConfig,
  client: HuaweiClient,
  options: { placements?: PlacementStore | undefined; clock?: (() => Date) | undefined } = {},
): EstateRun {
  const access = estateAccess({
    client,
    hub: requireCredentials(huawei),
    iamEndpoint: huawei.iamEndpoint,
    endpoints: huawei.endpoints,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const locator = estateLocator({
    estate,
    access,
    placements: options.placements ?? memoryPlacements(),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return { estate, access, locator };
}

/** Where a target is called and with which client; a target outside the estate is refused. */
export async function placeTarget(
  run: EstateRun,
  target: Target,
  deadlineAt: number,
): Promise<{ client: HuaweiClient; api: ApiTarget; place: EstateRegion }> {
  const place = await run.locator.locate(target, deadlineAt);
  if (place === undefined)
    throw new PolicyDeniedError(`target ${targetKey(target).toLowerCase()} is not in VPCEP_APPROVAL_ESTATE`);
  const id = target.type === 'vpcep' ? target.serviceId : target.instanceId;
  const api = await run.access.apiTarget(place, target.type, id, deadlineAt);
  return { client: run.access.clientFor(place.account), api, place };
}

/** A target's pending connections, read in its account and region; a target outside the estate is refused. */
export async function readPendingInEstate(
  run: EstateRun,
  target: Target,
  deadlineAt: number,
): Promise<Connection[]> {
  const { client, api } = await placeTarget(run, target, deadlineAt);
  const read = await listConnections(client, api, { deadlineAt });
  if (!read.ok) throw read.error;
  return read.body.filter((c) => c.status === 'pendingAcceptance');
}

/** executeDecision's signature, placing each decision in the estate first (the CLI's `decide`). */
export function estateExecutor(
  estate: Estate,
  huawei: HuaweiConfig,
  client: HuaweiClient,
  options: { placements?: PlacementStore | undefined; clock?: (() => Date) | undefined } = {},
): typeof executeDecision {
  const run = estateRun(estate, huawei, client, options);
  return (decision, deps, executeOptions) => executeInEstate(decision, deps, run, executeOptions);
}
