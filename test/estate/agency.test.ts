import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { estateAccess } from '../../lib/estate/access.ts';
import { type EstateRegion, parseEstate } from '../../lib/estate/schema.ts';
import { listConnections } from '../../lib/huawei/connections.ts';
import { type EstateWorld, estateJson, HUB, PAYMENTS, startEstateWorld } from '../helpers/estate.ts';
import { AK, SK } from '../helpers/harness.ts';

let w: EstateWorld;
afterEach(async () => {
  await w.close();
});

const MINUTE = 60_000;

function accessFor(world: EstateWorld) {
  return estateAccess({
    client: world.client,
    hub: { kind: 'aksk', ak: AK, sk: SK },
    iamEndpoint: world.sim.url,
    endpoints: { vpcep: world.sim.url, apig: world.sim.url },
    clock: world.clock.now,
  });
}

function place(account: string, region: string): EstateRegion {
  const estate = parseEstate(estateJson());
  const found = estate.regions.find((r) => r.account.name === account && r.region === region);
  if (found === undefined) throw new Error(`no ${account}/${region} in the test estate`);
  return found;
}

/** A service in payments' cn-east-3 project with one pending connection. */
function seedPaymentsService(world: EstateWorld): string {
  const serviceId = randomUUID();
  world.sim.seed({
    kind: 'vpcep',
    projectId: PAYMENTS.projects['cn-east-3'],
    targetId: serviceId,
    connections: [{ id: randomUUID() }],
  });
  return serviceId;
}

async function readThrough(access: ReturnType<typeof accessFor>, where: EstateRegion, serviceId: string) {
  const deadlineAt = w.clock.now().getTime() + 10_000;
  const api = await access.apiTarget(where, 'vpcep', serviceId, deadlineAt);
  return listConnections(access.clientFor(where.account), api, { deadlineAt });
}

describe('an agency account’s credentials', () => {
  it('asks IAM once for many concurrent calls in one account, and signs them with the security token', async () => {
    w = await startEstateWorld();
    const access = accessFor(w);
    const where = place('payments', 'cn-east-3');
    const services = Array.from({ length: 5 }, () => seedPaymentsService(w));

    const reads = await Promise.all(
      Array.from({ length: 40 }, (_, i) => readThrough(access, where, services[i % 5] as string)),
    );

    expect(reads.every((r) => r.ok)).toBe(true);
    expect(w.sim.countCalls('iam.assumeRole')).toBe(1);
    expect(w.sim.countCalls('iam.projects')).toBe(1);
    expect(w.sim.issuedKeys).toBe(1);
  });

  it('renews the keys five minutes before they expire, not before', async () => {
    w = await startEstateWorld();
    const access = accessFor(w);
    const where = place('payments', 'cn-east-3');
    const serviceId = seedPaymentsService(w);

    expect((await readThrough(access, where, serviceId)).ok).toBe(true);
    w.clock.advance(54 * MINUTE); // an hour's keys, six minutes left: still used
    expect((await readThrough(access, where, serviceId)).ok).toBe(true);
    expect(w.sim.countCalls('iam.assumeRole')).toBe(1);

    w.clock.advance(2 * MINUTE); // four minutes left: renewed before the call
    expect((await readThrough(access, where, serviceId)).ok).toBe(true);
    expect(w.sim.countCalls('iam.assumeRole')).toBe(2);
    // The project is the account's, not the key's: not looked up again.
    expect(w.sim.countCalls('iam.projects')).toBe(1);
  });

  it('uses the functions’ own keys for an account without an agency, and never calls IAM for keys', async () => {
    w = await startEstateWorld();
    const access = accessFor(w);
    const serviceId = randomUUID();
    w.sim.seed({
      kind: 'vpcep',
      projectId: HUB.projects['cn-north-4'],
      targetId: serviceId,
      connections: [],
    });

    expect((await readThrough(access, place('hub', 'cn-north-4'), serviceId)).ok).toBe(true);
    expect(w.sim.countCalls('iam.assumeRole')).toBe(0);
  });

  it('is refused another account’s target with the hub’s own keys: targets answer only their owner', async () => {
    w = await startEstateWorld();
    const serviceId = seedPaymentsService(w);
    const projectId = PAYMENTS.projects['cn-east-3'];
    const read = await listConnections(
      w.client,
      {
        descriptor: (await import('../../lib/huawei/services.ts')).VPCEP,
        baseUrl: new URL(`${w.sim.url}/`),
        projectId,
        targetId: serviceId,
      },
      { deadlineAt: w.clock.now().getTime() + 5_000 },
    );

    expect(read.ok).toBe(false);
    expect(read.ok ? undefined : read.error.code).toBe('APIGW.0302');
  });

  it('reports an agency that does not trust the hub, names it, and asks again at the next call', async () => {
    w = await startEstateWorld();
    w.sim.addAccount({
      domainId: 'aaaabbbbccccddddeeeeffff00001111',
      projects: { 'cn-east-3': 'bbbbccccddddeeeeffff000011112222' },
      agencies: [{ name: 'vpcep-approval', trusts: [PAYMENTS.domainId] }],
    });
    const estate = parseEstate(
      estateJson({
        stranger: {
          domainId: 'aaaabbbbccccddddeeeeffff00001111',
          agency: 'vpcep-approval',
          regions: { 'cn-east-3': { targets: ['vpcep:*'] } },
        },
      }),
    );
    const where = estate.regions.find((r) => r.account.name === 'stranger') as EstateRegion;
    const access = accessFor(w);

    for (let i = 0; i < 2; i += 1) {
      const read = await readThrough(access, where, randomUUID()).catch((error: Error) => error);
      expect(read).toBeInstanceOf(Error);
      expect((read as Error).message).toMatch(
        /assuming agency vpcep-approval of account stranger.*does not trust/,
      );
    }
    expect(w.sim.countCalls('iam.assumeRole')).toBe(2);
  });
});

describe('the simulator’s temporary keys', () => {
  it('stop working when they expire and work only with their security token', async () => {
    w = await startEstateWorld();
    const serviceId = seedPaymentsService(w);
    const issued = await w.client.call<{ credential: Record<string, string> }>({
      op: 'iam.assumeRole',
      method: 'POST',
      url: new URL('/v3.0/OS-CREDENTIAL/securitytokens', w.sim.url),
      body: {
        auth: {
          identity: {
            methods: ['assume_role'],
            assume_role: {
              domain_id: PAYMENTS.domainId,
              agency_name: 'vpcep-approval',
              duration_seconds: 900,
            },
          },
        },
      },
      deadlineAt: w.clock.now().getTime() + 5_000,
    });
    if (!issued.ok) throw issued.error;
    const { access, secret, securitytoken } = issued.body.credential as Record<string, string>;
    const url = new URL(
      `/v1/${PAYMENTS.projects['cn-east-3']}/vpc-endpoint-services/${serviceId}/connections`,
      w.sim.url,
    );
    const read = (credentials: { kind: 'aksk'; ak: string; sk: string; securityToken?: string }) =>
      w.client.call({
        op: 'vpcep.list',
        method: 'GET',
        url,
        credentials,
        deadlineAt: w.clock.now().getTime() + 5_000,
      });

    expect(
      (
        await read({
          kind: 'aksk',
          ak: access as string,
          sk: secret as string,
          securityToken: securitytoken as string,
        })
      ).ok,
    ).toBe(true);
    const without = await read({ kind: 'aksk', ak: access as string, sk: secret as string });
    expect(without.ok ? undefined : without.error.message).toMatch(/security token/);
    w.clock.advance(15 * MINUTE);
    const expired = await read({
      kind: 'aksk',
      ak: access as string,
      sk: secret as string,
      securityToken: securitytoken as string,
    });
    expect(expired.ok ? undefined : expired.error.message).toMatch(/expired/);
  });
});
