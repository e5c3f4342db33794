import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { OutcomeSchema } from '../../lib/decision/outcome-schema.ts';
import { parseDecision } from '../../lib/decision/schema.ts';
import { memoryPlacements } from '../../lib/ledger/placements.ts';
import { silentLogger } from '../../lib/log.ts';
import { noMetrics } from '../../lib/metrics.ts';
import { decisionRunner } from '../../lib/runner.ts';
import { type Simulator, startSimulator } from '../../simulator/index.ts';
import { estateJson, HUB, PAYMENTS, simAccounts } from '../helpers/estate.ts';
import { AK, SK } from '../helpers/harness.ts';

let sim: Simulator;
afterEach(async () => {
  await sim.close();
});

const HUB_SERVICE = '4189d3c2-8882-4871-a3c2-d380272eed88';

function envFor(url: string, extra: Record<string, string> = {}) {
  return {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
    HUAWEICLOUD_SDK_IAM_ENDPOINT: url,
    HUAWEICLOUD_VPCEP_ENDPOINT: url,
    HUAWEICLOUD_APIG_ENDPOINT: url,
    VPCEP_APPROVAL_ESTATE: estateJson(),
    VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '0',
    ...extra,
  };
}

function runnerFor(env: Record<string, string>, placements = memoryPlacements()) {
  const config = loadConfig(env);
  return decisionRunner(
    { ...config, secrets: [SK], loop: { describe: false, maxDecisionAgeMs: 86_400_000 } },
    { logger: silentLogger, metrics: noMetrics, placements },
  );
}

function decision(serviceId: string, endpoints: string[], extra: Record<string, unknown> = {}) {
  const parsed = parseDecision({
    id: `CHG-${randomUUID().slice(0, 8)}`,
    action: 'accept',
    target: { type: 'vpcep', serviceId, ...extra },
    endpoints,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.decision;
}

function seed(projectId: string, count: number): { serviceId: string; endpoints: string[] } {
  const serviceId = randomUUID();
  const endpoints = Array.from({ length: count }, () => randomUUID());
  sim.seed({ kind: 'vpcep', projectId, targetId: serviceId, connections: endpoints.map((id) => ({ id })) });
  return { serviceId, endpoints };
}

const deadline = () => Date.now() + 10_000;

describe('a decision in the estate', () => {
  it('runs many decisions in one agency account on one IAM call, and names account and region', async () => {
    sim = await startSimulator({ accounts: simAccounts() });
    const services = Array.from({ length: 4 }, () => seed(PAYMENTS.projects['cn-east-3'], 3));
    // Placed by an earlier sweep, as the ledger would have them.
    const placements = memoryPlacements();
    for (const { serviceId } of services)
      await placements.remember(
        `vpcep:${serviceId}`,
        { account: 'payments', domainId: PAYMENTS.domainId, region: 'cn-east-3' },
        new Date().toISOString(),
      );
    const runner = runnerFor(envFor(sim.url), placements);

    const outcomes = await Promise.all(
      services.flatMap(({ serviceId, endpoints }) =>
        endpoints.map((id) => runner.execute(decision(serviceId, [id]), deadline())),
      ),
    );

    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill('succeeded'));
    expect(sim.countCalls('iam.assumeRole')).toBe(1);
    expect(sim.countCalls('iam.projects')).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.placement).toEqual({
        account: 'payments',
        domainId: PAYMENTS.domainId,
        region: 'cn-east-3',
      });
      expect(outcome.target).toMatchObject({
        region: 'cn-east-3',
        projectId: PAYMENTS.projects['cn-east-3'],
      });
      expect(OutcomeSchema.safeParse(outcome).success).toBe(true);
    }
    const first = services[0]?.endpoints[0] as string;
    expect(
      sim.connection('vpcep', PAYMENTS.projects['cn-east-3'], services[0]?.serviceId as string, first)
        ?.status,
    ).toBe('accepted');
  });

  it('denies a target the estate does not cover, with no call at all', async () => {
    sim = await startSimulator({ accounts: simAccounts() });
    // Only listed targets: nothing may be discovered, so nothing needs reading to tell.
    const env = envFor(sim.url, {
      VPCEP_APPROVAL_ESTATE: JSON.stringify({
        accounts: {
          hub: { domainId: HUB.domainId, regions: { 'cn-north-4': { targets: [`vpcep:${HUB_SERVICE}`] } } },
        },
      }),
    });
    const stranger = seed(HUB.projects['cn-north-4'], 1);

    const outcome = await runnerFor(env).execute(
      decision(stranger.serviceId, stranger.endpoints),
      deadline(),
    );

    expect(outcome.status).toBe('denied');
    expect(outcome.denial?.code).toBe('TARGET_NOT_IN_ESTATE');
    expect(sim.calls).toHaveLength(0);
  });

  it('denies a target no discovering region has, after reading only the listings', async () => {
    sim = await startSimulator({ accounts: simAccounts() });
    const outcome = await runnerFor(envFor(sim.url)).execute(
      decision(randomUUID(), [randomUUID()]),
      deadline(),
    );

    expect(outcome.status).toBe('denied');
    expect(sim.calls.every((c) => c.op === 'vpcep.discover' || c.op?.startsWith('iam.'))).toBe(true);
    expect(sim.countCalls('vpcep.list') + sim.countCalls('vpcep.action')).toBe(0);
  });

  it('finds a discovered target by listing once, remembers it, and acts with its owner’s keys', async () => {
    sim = await startSimulator({ accounts: simAccounts() });
    const placements = memoryPlacements();
    const runner = runnerFor(envFor(sim.url), placements);
    const { serviceId, endpoints } = seed(PAYMENTS.projects['ap-southeast-1'], 2);

    const first = await runner.execute(decision(serviceId, [endpoints[0] as string]), deadline());
    const discovered = sim.countCalls('vpcep.discover');
    const second = await runner.execute(decision(serviceId, [endpoints[1] as string]), deadline());

    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    expect(first.placement).toEqual({
      account: 'payments',
      domainId: PAYMENTS.domainId,
      region: 'ap-southeast-1',
    });
    expect(await placements.placement(`vpcep:${serviceId}`)).toEqual(first.placement);
    expect(sim.countCalls('vpcep.discover')).toBe(discovered);
  });

  it('refuses a decision that names another region than the estate’s', async () => {
    sim = await startSimulator({ accounts: simAccounts() });
    const outcome = await runnerFor(envFor(sim.url)).execute(
      decision(HUB_SERVICE, [randomUUID()], { region: 'cn-east-3' }),
      deadline(),
    );
    expect(outcome.status).toBe('denied');
    expect(outcome.denial?.message).toMatch(/in cn-north-4 of account hub, not cn-east-3/);
    expect(sim.calls).toHaveLength(0);
  });

  it('reports an agency IAM refuses on every endpoint, retryable as IAM said, with nothing changed', async () => {
    sim = await startSimulator({ accounts: simAccounts() });
    const { serviceId, endpoints } = seed(PAYMENTS.projects['cn-east-3'], 1);
    sim.inject({
      op: 'iam.assumeRole',
      times: 10,
      fault: { type: 'status', httpStatus: 503, errorCode: 'IAM.0001' },
    });

    const outcome = await runnerFor(
      envFor(sim.url, {
        VPCEP_APPROVAL_MAX_ATTEMPTS: '2',
        VPCEP_APPROVAL_BACKOFF_BASE_MS: '1',
        VPCEP_APPROVAL_BACKOFF_MAX_MS: '2',
      }),
    ).execute(decision(serviceId, endpoints), deadline());

    expect(outcome.status).toBe('failed');
    expect(outcome.results[0]?.error).toMatchObject({ retryable: true });
    expect(outcome.results[0]?.error?.message).toMatch(/assuming agency vpcep-approval of account payments/);
    expect(sim.countCalls('vpcep.action')).toBe(0);
  });
});

describe('VPCEP_APPROVAL_ESTATE at startup', () => {
  it('is refused together with VPCEP_APPROVAL_ALLOWED_TARGETS', () => {
    expect(() =>
      loadConfig(envFor('http://127.0.0.1:1', { VPCEP_APPROVAL_ALLOWED_TARGETS: `vpcep:${HUB_SERVICE}` })),
    ).toThrow(/VPCEP_APPROVAL_ALLOWED_TARGETS: must not be set with VPCEP_APPROVAL_ESTATE/);
  });

  it('names the JSON path of a bad entry', () => {
    const bad = JSON.parse(estateJson()) as {
      accounts: { payments: { regions: Record<string, { targets: string[] }> } };
    };
    (bad.accounts.payments.regions['cn-east-3'] as { targets: string[] }).targets[1] = 'apig:nope';
    expect(() =>
      loadConfig(envFor('http://127.0.0.1:1', { VPCEP_APPROVAL_ESTATE: JSON.stringify(bad) })),
    ).toThrow(
      /VPCEP_APPROVAL_ESTATE: accounts\.payments\.regions\.cn-east-3\.targets\[1\]: must be vpcep:\*, apig:\*/,
    );
  });
});
