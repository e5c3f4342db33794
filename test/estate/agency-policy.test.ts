/**
 * deploy/huawei-agency-policy.json grants what the code calls in a member account through its agency:
 * a sweep (project lookup, discovery, pending, whitelist) and decisions on a VPCEP service and an APIG
 * gateway there, read off the simulator's log as the hub's policy test does.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { parseDecision } from '../../lib/decision/schema.ts';
import { estateRun } from '../../lib/estate/run.ts';
import { watchedLocator, watchedTargets } from '../../lib/estate/watch.ts';
import { memoryPlacements } from '../../lib/ledger/placements.ts';
import { silentLogger } from '../../lib/log.ts';
import { noMetrics } from '../../lib/metrics.ts';
import { decisionRunner } from '../../lib/runner.ts';
import { createRuntime } from '../../lib/runtime.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import { type SimOp, type Simulator, startSimulator } from '../../simulator/index.ts';
import { AGENCY, PAYMENTS, simAccounts } from '../helpers/estate.ts';
import { AK, SK } from '../helpers/harness.ts';

/** The identity-policy actions of each call made with the agency's keys (iam.assumeRole is the hub's). */
const ACTIONS: Partial<Record<SimOp, string[]>> = {
  'iam.projects': ['iam:projects:list'],
  'vpcep.discover': ['vpcep:endpointServices:list'],
  'apig.discover': ['apig:instance:list'],
  'vpcep.list': ['vpcep:endpointServices:listConnections'],
  'vpcep.action': ['vpcep:endpointServices:updateConnections'],
  'vpcep.describe': ['vpcep:endpointServices:updateConnectionDescription'],
  'vpcep.permissions': ['vpcep:endpointServices:listPermissions'],
  'apig.list': ['apig:instance:listVpcEndpoint', 'apig:instance:get'],
  'apig.action': ['apig:instance:acceptOrRejectVpcEndpointConnection', 'apig:instance:get'],
  'apig.permissions': ['apig:instance:listVpcEndpointPermission', 'apig:instance:get'],
};

let sim: Simulator;
afterEach(async () => {
  await sim.close();
});

describe('the member account’s agency policy', () => {
  it('allows every call a sweep and decisions make through the agency, and nothing else', async () => {
    sim = await startSimulator({ accounts: simAccounts() });
    const projectId = PAYMENTS.projects['cn-east-3'];
    const serviceId = randomUUID();
    const instanceId = randomUUID().replaceAll('-', '');
    const [vpcepEndpoint, apigEndpoint] = [randomUUID(), randomUUID()];
    sim.seed({ kind: 'vpcep', projectId, targetId: serviceId, connections: [{ id: vpcepEndpoint }] });
    sim.seed({ kind: 'apig', projectId, targetId: instanceId, connections: [{ id: apigEndpoint }] });
    const env = {
      HUAWEICLOUD_SDK_AK: AK,
      HUAWEICLOUD_SDK_SK: SK,
      HUAWEICLOUD_SDK_IAM_ENDPOINT: sim.url,
      HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
      HUAWEICLOUD_APIG_ENDPOINT: sim.url,
      VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '0',
      VPCEP_APPROVAL_ESTATE: JSON.stringify({
        accounts: {
          payments: {
            domainId: PAYMENTS.domainId,
            agency: AGENCY,
            regions: { 'cn-east-3': { targets: ['vpcep:*', 'apig:*'] } },
          },
        },
      }),
    };
    const config = loadConfig(env);
    const runtime = await createRuntime(config);
    try {
      const run = estateRun(
        config.estate as NonNullable<typeof config.estate>,
        config.huawei,
        runtime.client,
      );
      const watched = await watchedTargets(run, memoryPlacements(), { deadlineAt: Date.now() + 10_000 });
      const list = huaweiListing({
        client: runtime.client,
        huawei: config.huawei,
        deadlineMs: 10_000,
        locate: watchedLocator(run, watched),
      });
      for (const target of watched.targets)
        expect((await list(target, { countAccepted: true })).pending).toHaveLength(1);
      const runner = decisionRunner(
        { ...config, secrets: [SK] },
        { logger: silentLogger, metrics: noMetrics },
      );
      for (const input of [
        { id: 'CHG-1', action: 'accept', target: { type: 'vpcep', serviceId }, endpoints: [vpcepEndpoint] },
        { id: 'CHG-2', action: 'reject', target: { type: 'apig', instanceId }, endpoints: [apigEndpoint] },
      ]) {
        const parsed = parseDecision(input);
        if (!parsed.ok) throw new Error('bad test decision');
        expect((await runner.execute(parsed.decision, Date.now() + 10_000)).status).toBe('succeeded');
      }
    } finally {
      await runtime.close();
    }

    const called = [...new Set(sim.calls.map((c) => c.op))].filter((op) => op !== 'iam.assumeRole');
    expect(called.sort()).toEqual(Object.keys(ACTIONS).sort());
    const needed = [...new Set(called.flatMap((op) => ACTIONS[op as SimOp] ?? []))];
    const policy = JSON.parse(
      await readFile(new URL('../../deploy/huawei-agency-policy.json', import.meta.url), 'utf8'),
    );
    const granted = (policy.Statement as Array<{ Effect: string; Action: string[] }>)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => s.Action);
    expect(granted.sort()).toEqual(needed.sort());
  });
});
