import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aDecision,
  anApigDecision,
  ENDPOINT_ID,
  endpointIds,
  INSTANCE_ID,
  PROJECT_ID,
  SERVICE_ID,
} from '../helpers/factories.ts';
import { AK, type Harness, type HarnessOptions, SK, startHarness } from '../helpers/harness.ts';

const HTTP_CLIENTS = ['undici', 'node'] as const;

let h: Harness;

function seedVpcep(ids: string[], status = 'pendingAcceptance') {
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    connections: ids.map((id) => ({ id, status })),
  });
}

function actionCalls(op = 'vpcep.action') {
  return h.sim.calls.filter((c) => c.op === op);
}

describe.each(HTTP_CLIENTS)('with the %s HTTP client', (httpClient) => {
  /** The same suite over each transport: both must behave identically against the simulator. */
  const withClient = (options: HarnessOptions = {}): HarnessOptions => ({
    ...options,
    env: { VPCEP_APPROVAL_HTTP_CLIENT: httpClient, ...options.env },
  });

  describe('executeDecision against the simulator', () => {
    beforeEach(async () => {
      h = await startHarness(withClient());
    });
    afterEach(async () => {
      await h.close();
    });

    it('makes one single-endpoint VPCEP call per endpoint and accepts them all', async () => {
      const ids = endpointIds(7);
      seedVpcep(ids);

      const outcome = await h.execute(aDecision({ endpoints: ids }));

      expect(outcome.status).toBe('succeeded');
      expect(actionCalls()).toHaveLength(7);
      expect(actionCalls().every((c) => c.endpoints?.length === 1)).toBe(true);
      expect(outcome.results.map((r) => r.endpointId)).toEqual(ids);
      expect(
        outcome.results.every(
          (r) => r.changed && r.status === 'accepted' && r.previousStatus === 'pendingAcceptance',
        ),
      ).toBe(true);
      expect(outcome.target).toMatchObject({ projectId: PROJECT_ID, region: 'cn-north-4' });
    });

    it('cuts an APIG decision of 120 endpoints into calls of 50, 50 and 20', async () => {
      const ids = endpointIds(120);
      h.sim.seed({
        kind: 'apig',
        projectId: PROJECT_ID,
        targetId: INSTANCE_ID,
        connections: ids.map((id) => ({ id, status: 'pendingAcceptance' })),
      });

      const outcome = await h.execute(anApigDecision(ids, { action: 'reject' }));

      expect(outcome.status).toBe('succeeded');
      expect(
        actionCalls('apig.action')
          .map((c) => c.endpoints?.length)
          .sort(),
      ).toEqual([20, 50, 50]);
      expect(new Set(actionCalls('apig.action').flatMap((c) => c.endpoints ?? []))).toEqual(new Set(ids));
      expect(outcome.results.every((r) => r.status === 'rejected')).toBe(true);
    });

    it('makes no action call when a decision is replayed', async () => {
      const ids = endpointIds(3);
      seedVpcep(ids);
      await h.execute(aDecision({ endpoints: ids }));
      h.sim.resetCalls();

      const replay = await h.execute(aDecision({ endpoints: ids }));

      expect(replay.status).toBe('succeeded');
      expect(actionCalls()).toHaveLength(0);
      expect(replay.results.every((r) => !r.changed && r.attempts === 0 && r.status === 'accepted')).toBe(
        true,
      );
    });

    it('rejects a connection that was accepted', async () => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id], 'accepted');

      const outcome = await h.execute(aDecision({ action: 'reject', endpoints: [id] }));

      expect(outcome.results[0]).toMatchObject({
        status: 'rejected',
        previousStatus: 'accepted',
        changed: true,
        attempts: 1,
      });
    });

    it.each([
      ['a 500', { type: 'status', httpStatus: 500, errorCode: 'EndPoint.0001' }],
      ['a 429', { type: 'status', httpStatus: 429, errorCode: 'APIGW.0308' }],
      [
        'VPCEP throttling as 400 EndPoint.0022',
        { type: 'status', httpStatus: 400, errorCode: 'EndPoint.0022' },
      ],
      ['a connection reset', { type: 'reset' }],
    ] as const)('retries %s to success', async (_name, fault) => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);
      h.sim.inject({ op: 'vpcep.action', times: 2, fault });

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.status).toBe('succeeded');
      expect(outcome.results[0]).toMatchObject({ status: 'accepted', attempts: 3 });
      expect(actionCalls()).toHaveLength(3);
    });

    it('cuts a hung request with the request timeout and retries it', async () => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);
      h.sim.inject({ op: 'vpcep.action', times: 1, fault: { type: 'hang' } });

      const started = Date.now();
      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.results[0]).toMatchObject({ status: 'accepted', attempts: 2 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    });

    it('gives up after the configured attempts and reports the last error as retryable', async () => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);
      h.sim.inject({
        op: 'vpcep.action',
        times: Number.POSITIVE_INFINITY,
        fault: { type: 'status', httpStatus: 503, errorCode: 'EndPoint.2004' },
      });

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.status).toBe('failed');
      expect(outcome.results[0]).toMatchObject({
        status: 'failed',
        attempts: 4,
        error: { code: 'EndPoint.2004', httpStatus: 503, retryable: true },
      });
      expect(actionCalls()).toHaveLength(4);
    });

    it.each([
      ['404 APIC.7314', { type: 'status', httpStatus: 404, errorCode: 'APIC.7314' }, 'APIC.7314', 404],
      [
        '403 EndPoint.0004',
        { type: 'status', httpStatus: 403, errorCode: 'EndPoint.0004' },
        'EndPoint.0004',
        403,
      ],
    ] as const)(
      'does not retry %s and carries the code and request id',
      async (_name, fault, code, httpStatus) => {
        const [id] = endpointIds(1) as [string];
        seedVpcep([id]);
        h.sim.inject({ op: 'vpcep.action', times: 1, fault });

        const outcome = await h.execute(aDecision({ endpoints: [id] }));

        const call = actionCalls()[0];
        expect(actionCalls()).toHaveLength(1);
        expect(outcome.results[0]).toMatchObject({
          status: 'failed',
          attempts: 1,
          error: { code, httpStatus, retryable: false, requestId: call?.requestId },
        });
        expect(call?.requestId).toEqual(expect.any(String));
      },
    );

    it('reports not_found, with no action call, for an endpoint that is not on the target', async () => {
      const [member, stranger] = endpointIds(2) as [string, string];
      seedVpcep([member]);

      const outcome = await h.execute(aDecision({ endpoints: [member, stranger] }));

      expect(outcome.status).toBe('partial');
      expect(outcome.results.find((r) => r.endpointId === stranger)).toEqual({
        endpointId: stranger,
        status: 'not_found',
        changed: false,
        attempts: 0,
      });
      expect(actionCalls().map((c) => c.endpoints?.[0])).toEqual([member]);
    });

    it('reports not_found for a one-endpoint decision, read by id, with no action call', async () => {
      seedVpcep(endpointIds(1));
      const [stranger] = endpointIds(1) as [string];

      const outcome = await h.execute(aDecision({ endpoints: [stranger] }));

      expect(outcome).toMatchObject({ status: 'failed', results: [{ status: 'not_found', changed: false }] });
      expect(actionCalls()).toHaveLength(0);
    });

    it.each([
      ['an HTML page', '<html><body>OK</body></html>', 'text/html'],
      ['an empty object', '{}', 'application/json'],
      [
        'another connection',
        JSON.stringify({ connections: [{ id: ENDPOINT_ID, status: 'accepted' }] }),
        undefined,
      ],
    ])('confirms by a read an action answer that shows %s instead of the endpoint', async (_, body, type) => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);
      h.sim.inject({
        op: 'vpcep.action',
        times: 1,
        fault: { type: 'body', body, ...(type === undefined ? {} : { contentType: type }) },
      });

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.status).toBe('succeeded');
      expect(outcome.results[0]).toMatchObject({ status: 'accepted', changed: true, attempts: 1 });
      expect(actionCalls()).toHaveLength(1);
      expect(h.sim.countCalls('vpcep.list')).toBe(2);
    });

    it('fails an action answer without the endpoint when the read shows nothing changed', async () => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);
      // Answers 200 with a body that lists no connection, without carrying the action out.
      h.sim.inject({
        op: 'vpcep.action',
        times: 1,
        fault: { type: 'status', httpStatus: 200, errorCode: 'none' },
      });

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.status).toBe('failed');
      expect(outcome.results[0]).toMatchObject({
        status: 'failed',
        previousStatus: 'pendingAcceptance',
        error: { code: 'ACTION_NOT_CONFIRMED', retryable: true },
      });
      expect(actionCalls()).toHaveLength(1);
    });

    it('confirms a lost answer by reading: EndPoint.2014 on the retry is not a failure', async () => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);
      // The accept goes through but its answer is lost; the retry meets "already connected".
      h.sim.inject({ op: 'vpcep.action', times: 1, fault: { type: 'reset', afterApply: true } });

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.status).toBe('succeeded');
      expect(outcome.results[0]).toMatchObject({
        status: 'accepted',
        changed: true,
        previousStatus: 'pendingAcceptance',
        attempts: 2,
      });
      expect(h.sim.calls.filter((c) => c.op === 'vpcep.action').map((c) => c.errorCode)).toEqual([
        undefined,
        'EndPoint.2014',
      ]);
    });

    it('reports EndPoint.2014 as a failure when the read does not confirm the wanted state', async () => {
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);
      h.sim.inject({
        op: 'vpcep.action',
        times: 1,
        fault: { type: 'status', httpStatus: 400, errorCode: 'EndPoint.2014' },
      });

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.results[0]).toMatchObject({
        status: 'failed',
        error: { code: 'EndPoint.2014' },
        attempts: 1,
      });
    });

    it('is denied by the allowlist without any call', async () => {
      await h.close();
      h = await startHarness(withClient({ env: { VPCEP_APPROVAL_ALLOWED_TARGETS: `apig:${INSTANCE_ID}` } }));

      const outcome = await h.execute(aDecision());

      expect(outcome).toMatchObject({ status: 'denied', denial: { code: 'TARGET_NOT_ALLOWED' } });
      expect(h.sim.calls).toHaveLength(0);
    });

    it('is invalid without any call when no project id is given or configured', async () => {
      await h.close();
      h = await startHarness(withClient({ env: { HUAWEICLOUD_SDK_PROJECT_ID: '' } }));

      const outcome = await h.execute(aDecision({ target: { type: 'vpcep', serviceId: SERVICE_ID } }));

      expect(outcome.status).toBe('invalid');
      expect(outcome.issues?.[0]?.path).toBe('target.projectId');
      expect(h.sim.calls).toHaveLength(0);
    });

    it('reads but never acts in a dry run', async () => {
      const [pending, accepted, missing] = endpointIds(3) as [string, string, string];
      seedVpcep([pending]);
      seedVpcep([accepted], 'accepted');

      const outcome = await h.execute(aDecision({ endpoints: [pending, accepted, missing] }), {
        dryRun: true,
      });

      expect(actionCalls()).toHaveLength(0);
      expect(outcome).toMatchObject({ dryRun: true, status: 'partial' });
      expect(outcome.results.map((r) => [r.status, r.changed])).toEqual([
        ['pendingAcceptance', true],
        ['accepted', false],
        ['not_found', false],
      ]);
    });

    it('fails every endpoint, without acting, when the status cannot be read', async () => {
      const ids = endpointIds(2);
      seedVpcep(ids);
      h.sim.inject({
        op: 'vpcep.list',
        times: 1,
        fault: { type: 'status', httpStatus: 401, errorCode: 'APIGW.0301' },
      });

      const outcome = await h.execute(aDecision({ endpoints: ids }));

      expect(outcome.status).toBe('failed');
      expect(actionCalls()).toHaveLength(0);
      expect(outcome.results.every((r) => r.error?.code === 'APIGW.0301')).toBe(true);
    });
  });

  describe('waiting for accepts to settle', () => {
    afterEach(async () => {
      await h.close();
    });

    it('polls until creating becomes accepted', async () => {
      h = await startHarness(withClient({ creatingMs: 80 }));
      const ids = endpointIds(2);
      seedVpcep(ids);

      const outcome = await h.execute(aDecision({ endpoints: ids }));

      expect(outcome.status).toBe('succeeded');
      expect(outcome.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
      expect(h.sim.countCalls('vpcep.list')).toBeGreaterThan(1);
    });

    it('reports in_progress, not failed, when waiting is off', async () => {
      h = await startHarness(
        withClient({ creatingMs: 5_000, env: { VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '0' } }),
      );
      const [id] = endpointIds(1) as [string];
      seedVpcep([id]);

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(outcome.status).toBe('in_progress');
      expect(outcome.results[0]).toMatchObject({ status: 'creating', changed: true });
    });

    it('does not repeat an accept already under way on replay', async () => {
      h = await startHarness(
        withClient({ creatingMs: 5_000, env: { VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '0' } }),
      );
      const [id] = endpointIds(1) as [string];
      seedVpcep([id], 'creating');

      const outcome = await h.execute(aDecision({ endpoints: [id] }));

      expect(h.sim.countCalls('vpcep.action')).toBe(0);
      expect(outcome.results[0]).toMatchObject({ status: 'creating', changed: false });
    });

    it('reports in_progress when the settle wait runs out with one endpoint creating and one accepted', async () => {
      h = await startHarness(
        withClient({ creatingMs: 5_000, env: { VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: '60' } }),
      );
      const [fresh, done] = endpointIds(2) as [string, string];
      seedVpcep([fresh]);
      seedVpcep([done], 'accepted');

      const outcome = await h.execute(aDecision({ endpoints: [fresh, done] }));

      expect(outcome.status).toBe('in_progress');
      expect(outcome.results.map((r) => r.status)).toEqual(['creating', 'accepted']);
      expect(h.sim.countCalls('vpcep.list')).toBeGreaterThan(1);
    });
  });

  describe('authentication against the simulator', () => {
    afterEach(async () => {
      await h.close();
    });

    it('does not retry a 401 from a wrong secret key, and never logs the key', async () => {
      h = await startHarness(
        withClient({ env: { HUAWEICLOUD_SDK_SK: 'WrongSecretKeyButLongEnough000000000000' } }),
      );
      seedVpcep([ENDPOINT_ID]);

      const outcome = await h.execute(aDecision());

      expect(h.sim.calls).toHaveLength(1);
      expect(outcome.results[0]?.error).toMatchObject({
        code: 'APIGW.0301',
        httpStatus: 401,
        retryable: false,
      });
      expect(outcome.results[0]?.error?.requestId).toBe(h.sim.calls[0]?.requestId);
      const logs = h.logs.join('\n');
      expect(logs).toContain('serverCanonicalRequest');
      for (const secret of ['WrongSecretKeyButLongEnough000000000000', AK])
        expect(logs).not.toContain(secret);
    });

    it('signs and sends the security token of temporary credentials', async () => {
      h = await startHarness(
        withClient({
          simulatorCredentials: [{ ak: AK, sk: SK, securityToken: 'temporary-token-value' }],
          env: { HUAWEICLOUD_SDK_SECURITY_TOKEN: 'temporary-token-value' },
        }),
      );
      seedVpcep([ENDPOINT_ID]);

      expect((await h.execute(aDecision())).status).toBe('succeeded');
    });

    it('is refused when temporary credentials are used without their token', async () => {
      h = await startHarness(
        withClient({
          simulatorCredentials: [{ ak: AK, sk: SK, securityToken: 'temporary-token-value' }],
        }),
      );
      seedVpcep([ENDPOINT_ID]);

      const outcome = await h.execute(aDecision());

      expect(outcome.results[0]?.error).toMatchObject({ httpStatus: 401, retryable: false });
    });

    it('cuts the SK and the security token out of an error message that quotes them', async () => {
      const token = 'temporary-token-value-0123456789';
      h = await startHarness(
        withClient({
          simulatorCredentials: [{ ak: AK, sk: SK, securityToken: token }],
          env: { HUAWEICLOUD_SDK_SECURITY_TOKEN: token },
        }),
      );
      seedVpcep([ENDPOINT_ID]);
      h.sim.inject({
        op: 'vpcep.action',
        times: 1,
        fault: {
          type: 'status',
          httpStatus: 403,
          errorCode: 'APIGW.0305',
          errorMsg: `key ${AK} signed with sk=${SK} and token ${token}; canonical: POST|/v1/x|${SK}`,
        },
      });

      const outcome = await h.execute(aDecision());
      const text = JSON.stringify(outcome);

      expect(outcome.results[0]?.error).toMatchObject({ code: 'APIGW.0305' });
      expect(outcome.results[0]?.error?.message).toContain('[redacted]');
      for (const secret of [SK, token, AK]) expect(text).not.toContain(secret);
    });

    it('authenticates with an IAM token when no AK/SK is configured', async () => {
      h = await startHarness(
        withClient({
          simulatorTokens: ['iam-token-for-tests'],
          env: {
            HUAWEICLOUD_SDK_AK: '',
            HUAWEICLOUD_SDK_SK: '',
            HUAWEICLOUD_AUTH_TOKEN: 'iam-token-for-tests',
          },
        }),
      );
      seedVpcep([ENDPOINT_ID]);

      expect((await h.execute(aDecision())).status).toBe('succeeded');
      expect(h.logs.join('\n')).not.toContain('iam-token-for-tests');
    });
  });
});
