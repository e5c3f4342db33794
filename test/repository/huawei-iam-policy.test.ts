/**
 * deploy/huawei-iam-policy.json grants what the code calls, and the test finds out what it calls by
 * running decisions and reading the simulator's log — so an API call added later fails here until the
 * policy (and the table in docs/deploy.md) say which IAM action allows it.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import type { SimOp } from '../../simulator/index.ts';
import { runCliWith } from '../helpers/cli.ts';
import {
  aDecision,
  anApigDecision,
  ENDPOINT_ID,
  endpointIds,
  INSTANCE_ID,
  PROJECT_ID,
  SERVICE_ID,
} from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

/** Huawei's identity-policy actions for each API operation (from each API's "Authorization Information"). */
const ACTIONS: Partial<Record<SimOp, string[]>> = {
  'vpcep.list': ['vpcep:endpointServices:listConnections'],
  'vpcep.action': ['vpcep:endpointServices:updateConnections'],
  // UpdateEndpointConnectionsDesc: the provenance written after acting.
  'vpcep.describe': ['vpcep:endpointServices:updateConnectionDescription'],
  'apig.list': ['apig:instance:listVpcEndpoint', 'apig:instance:get'],
  'apig.action': ['apig:instance:acceptOrRejectVpcEndpointConnection', 'apig:instance:get'],
  // ListServicePermissionsDetails and ListEndpointPermissions: the sweeper reads the whitelist.
  'vpcep.permissions': ['vpcep:endpointServices:listPermissions'],
  'apig.permissions': ['apig:instance:listVpcEndpointPermission', 'apig:instance:get'],
  // AddOrRemoveServicePermissions, and APIG's batch-add and batch-delete: permit and revoke decisions.
  'vpcep.permissions.add': ['vpcep:endpointServices:updatePermissions'],
  'vpcep.permissions.remove': ['vpcep:endpointServices:updatePermissions'],
  'apig.permissions.add': ['apig:instance:batchAddVpcEndpointPermission', 'apig:instance:get'],
  'apig.permissions.remove': ['apig:instance:batchDeleteVpcEndpointPermission', 'apig:instance:get'],
};

const CONSUMER = '3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function policyActions(file: string): Promise<string[]> {
  const policy = JSON.parse(await readFile(new URL(`../../deploy/${file}`, import.meta.url), 'utf8'));
  return (policy.Statement as Array<{ Effect: string; Action: string[] }>)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => s.Action);
}

describe('the Huawei IAM policy for the AK/SK', () => {
  it('allows every call a sweep, a VPCEP and an APIG decision and status make, and nothing else', async () => {
    const apigEndpoints = endpointIds(2);
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [{ id: ENDPOINT_ID }],
    });
    h.sim.seed({
      kind: 'apig',
      projectId: PROJECT_ID,
      targetId: INSTANCE_ID,
      connections: apigEndpoints.map((id) => ({ id })),
    });
    // The sweeper's reads while the connections wait: pending ones, accepted ones per account, the whitelist.
    const listPending = huaweiListing({
      client: h.runtime.client,
      huawei: h.config.huawei,
      deadlineMs: 10_000,
    });
    for (const target of [`vpcep:${SERVICE_ID}`, `apig:${INSTANCE_ID}`])
      expect((await listPending(target, { countAccepted: true })).pending.length).toBeGreaterThan(0);
    const decide = (decision: unknown) =>
      runCliWith(['decide', '--file', '-'], h.env, JSON.stringify(decision));
    expect((await decide(aDecision())).code).toBe(0);
    expect((await decide(anApigDecision(apigEndpoints, { action: 'reject' }))).code).toBe(0);
    expect((await runCliWith(['status', '--target', `apig:${INSTANCE_ID}`], h.env)).code).toBe(0);
    // Permit and revoke an account on each API.
    for (const target of [aDecision().target, anApigDecision([]).target])
      for (const action of ['permit', 'revoke'])
        expect((await decide({ id: `W-${action}`, action, target, accounts: [CONSUMER] })).code).toBe(0);

    const called = [...new Set(h.sim.calls.map((c) => c.op))];
    expect(called.sort()).toEqual(Object.keys(ACTIONS).sort());
    const needed = [...new Set(called.flatMap((op) => ACTIONS[op as SimOp] ?? []))];
    expect((await policyActions('huawei-iam-policy.json')).sort()).toEqual(needed.sort());
  });
});
