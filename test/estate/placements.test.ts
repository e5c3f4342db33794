import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admitJson } from '../../lib/decision/admit.ts';
import { parseEstate } from '../../lib/estate/schema.ts';
import { dynamoDbPlacements } from '../../lib/ledger/placements.ts';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { estateJson, PAYMENTS } from '../helpers/estate.ts';

const SERVICE = '6a1f0c3e-2b4d-4e8f-9a0b-1c2d3e4f5a6b';
const PLACED = { account: 'payments', domainId: PAYMENTS.domainId, region: 'cn-east-3' };

describe('placements on the ledger’s table', () => {
  let dynamo: LocalDynamo;
  beforeEach(async () => {
    dynamo = await startDynalite();
  });
  afterEach(() => dynamo.close());

  it('are read by another container, whatever the case of the target key, and moved by a later sweep', async () => {
    const sweeper = dynamoDbPlacements({ client: dynamo.client(), tableName: dynamo.tableName });
    const worker = dynamoDbPlacements({ client: dynamo.client(), tableName: dynamo.tableName });

    expect(await worker.placement(`vpcep:${SERVICE}`)).toBeUndefined();
    await sweeper.remember(`vpcep:${SERVICE.toUpperCase()}`, PLACED, '2026-12-05T08:00:00.000Z');
    expect(await worker.placement(`vpcep:${SERVICE}`)).toEqual(PLACED);

    await sweeper.remember(
      `vpcep:${SERVICE}`,
      { ...PLACED, region: 'ap-southeast-1' },
      '2026-12-05T09:00:00.000Z',
    );
    expect(await worker.placement(`vpcep:${SERVICE}`)).toEqual({ ...PLACED, region: 'ap-southeast-1' });
  });
});

describe('admission before queueing, with an estate', () => {
  const context = {
    huawei: {
      credentials: undefined,
      defaultProjectId: undefined,
      defaultRegion: undefined,
      endpoints: { vpcep: undefined, apig: undefined },
    },
    allowedTargets: undefined,
    estate: parseEstate(estateJson()),
  };
  const body = (target: Record<string, string>) =>
    JSON.stringify({
      id: 'CHG-1',
      action: 'accept',
      target,
      endpoints: ['705290f3-0d00-41f2-aedc-71f09844e879'],
    });

  it('passes a listed target and one of a type some region discovers, with no project or region configured', () => {
    expect(
      admitJson(body({ type: 'vpcep', serviceId: '4189d3c2-8882-4871-a3c2-d380272eed88' }), context).ok,
    ).toBe(true);
    expect(
      admitJson(body({ type: 'apig', instanceId: 'ffffeeeeddddccccbbbbaaaa99998888' }), context).ok,
    ).toBe(true);
  });

  it('denies a type no region lists or discovers, naming the variable', () => {
    const estate = parseEstate(
      JSON.stringify({
        accounts: {
          hub: { domainId: PAYMENTS.domainId, regions: { 'cn-east-3': { targets: ['vpcep:*'] } } },
        },
      }),
    );
    const admission = admitJson(body({ type: 'apig', instanceId: 'ffffeeeeddddccccbbbbaaaa99998888' }), {
      ...context,
      estate,
    });
    expect(admission.ok).toBe(false);
    expect(!admission.ok && admission.kind === 'denied' ? admission.denial : undefined).toEqual({
      code: 'TARGET_NOT_IN_ESTATE',
      message: 'target apig:ffffeeeeddddccccbbbbaaaa99998888 is not in VPCEP_APPROVAL_ESTATE',
    });
  });
});
