import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../lib/errors.ts';
import {
  backoffDelay,
  classifyFailure,
  maxAttemptsFor,
  nextRetryStep,
  parseRetryAfter,
  RETRY_AFTER_CAP_MS,
  toNetworkError,
  withRetries,
} from '../lib/retry.ts';

describe('classifyFailure', () => {
  it.each([
    [429, 'APIGW.0308', 'throttled'],
    [429, undefined, 'throttled'],
    [400, 'EndPoint.0022', 'throttled'],
    [400, 'Endpoint.0022', 'throttled'],
    [500, 'APIG.9008', 'throttled'],
    [500, 'EndPoint.0001', 'transient'],
    [503, undefined, 'transient'],
    [400, 'EndPoint.2019', 'transient'],
    [500, 'APIC.9007', 'transient'],
    [401, 'APIGW.0301', 'terminal'],
    [403, 'APIC.7106', 'terminal'],
    [404, 'APIC.7302', 'terminal'],
    [400, 'Endpoint.2013', 'terminal'],
    [400, 'EndPoint.2031', 'terminal'],
    [400, 'EndPoint.2014', 'maybe_success'],
  ] as const)('classifies %i %s as %s', (status, code, expected) => {
    expect(classifyFailure(status, code)).toBe(expected);
  });

  it('never retries 401, 403 or 404 whatever the code says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(401, 403, 404),
        fc.stringMatching(/^[A-Z]{3,5}\.[0-9]{4}$/),
        (status, code) => {
          const known = ['APIGW.0308', 'APIG.0308', 'APIG.9008', 'APIC.9007'].includes(code);
          if (!known) expect(classifyFailure(status, code)).toBe('terminal');
        },
      ),
    );
  });
});

describe('maxAttemptsFor', () => {
  it('caps APIC.9007 at two attempts and leaves others at the configured maximum', () => {
    expect(maxAttemptsFor('APIC.9007', 5)).toBe(2);
    expect(maxAttemptsFor('apic.9007', 1)).toBe(1);
    expect(maxAttemptsFor('EndPoint.0022', 5)).toBe(5);
  });
});

describe('backoffDelay', () => {
  const options = { baseMs: 100, maxMs: 2_000 };

  it('draws full jitter below an exponentially growing ceiling', () => {
    expect(backoffDelay(0, 'transient', options, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 'transient', options, () => 0.5)).toBe(400);
    expect(backoffDelay(0, 'transient', options, () => 0)).toBe(0);
  });

  it('starts throttling one step higher', () => {
    expect(backoffDelay(0, 'throttled', options, () => 0.5)).toBe(100);
  });

  it('never exceeds the ceiling', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (retry, r) => {
        const delay = backoffDelay(retry, 'throttled', options, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(options.maxMs);
      }),
    );
  });
});

describe('nextRetryStep', () => {
  const backoff = { baseMs: 100, maxMs: 1_000 };
  const state = {
    errorCode: undefined,
    transientFailures: 0,
    maxAttempts: 3,
    now: 1_000,
    deadlineAt: 61_000,
  };

  it('retries a paced throttle however many attempts it took, with no wait of its own', () => {
    const step = nextRetryStep(
      { ...state, failure: 'throttled', transientFailures: 50 },
      { ...backoff, paced: true },
    );
    expect(step).toEqual({ retry: true, waitMs: 0 });
  });

  it('stops a throttle at the deadline', () => {
    const step = nextRetryStep({ ...state, failure: 'throttled', now: 61_000 }, { ...backoff, paced: true });
    expect(step).toEqual({ retry: false, reason: 'deadline' });
  });

  it('bounds transient failures by the attempt count, and APIC.9007 at two', () => {
    const at = (transientFailures: number, errorCode?: string) =>
      nextRetryStep({ ...state, failure: 'transient', transientFailures, errorCode }, backoff, () => 0.5)
        .retry;
    expect([at(1), at(2), at(3)]).toEqual([true, true, false]);
    expect([at(1, 'APIC.9007'), at(2, 'APIC.9007')]).toEqual([true, false]);
  });

  it('waits a jittered backoff for transient failures and stops when it would pass the deadline', () => {
    expect(
      nextRetryStep({ ...state, failure: 'transient', transientFailures: 2 }, backoff, () => 0.5),
    ).toEqual({
      retry: true,
      waitMs: 100,
    });
    expect(
      nextRetryStep(
        { ...state, failure: 'transient', transientFailures: 2, deadlineAt: 1_050 },
        backoff,
        () => 0.5,
      ),
    ).toEqual({ retry: false, reason: 'deadline' });
  });

  it('never retries terminal or maybe-successful failures', () => {
    for (const failure of ['terminal', 'maybe_success'] as const)
      expect(nextRetryStep({ ...state, failure }, backoff)).toEqual({ retry: false, reason: 'terminal' });
  });
});

describe('withRetries', () => {
  const noSleep = async () => {};

  it('retries transient failures with the injected randomness, then returns the value', async () => {
    const waits: number[] = [];
    const results = [
      { ok: false as const, failure: 'transient' as const, reason: 'HTTP 503' },
      { ok: false as const, failure: 'throttled' as const, reason: 'HTTP 429' },
      { ok: true as const, value: 'sent' },
    ];
    const run = await withRetries({
      maxAttempts: 3,
      backoff: { baseMs: 400, maxMs: 3_200 },
      random: () => 0.25,
      sleep: async (ms) => {
        waits.push(ms);
      },
      attempt: async (n) => results[n - 1] ?? { ok: true, value: 'late' },
    });
    expect(run).toEqual({ ok: true, value: 'sent', attempts: 3 });
    expect(waits).toEqual([100, 400]);
  });

  it('stops at a terminal failure without waiting', async () => {
    let calls = 0;
    const run = await withRetries({
      maxAttempts: 5,
      backoff: { baseMs: 1, maxMs: 1 },
      sleep: noSleep,
      attempt: async () => {
        calls += 1;
        return { ok: false, failure: 'terminal', reason: 'HTTP 404' };
      },
    });
    expect(calls).toBe(1);
    expect(run).toMatchObject({ ok: false, reason: 'HTTP 404', stopped: { reason: 'terminal' } });
  });

  it('gives up after the attempt count, unpaced throttles included', async () => {
    const run = await withRetries({
      maxAttempts: 3,
      backoff: { baseMs: 1, maxMs: 1 },
      sleep: noSleep,
      attempt: async () => ({ ok: false, failure: 'throttled', reason: 'HTTP 429' }),
    });
    expect(run).toMatchObject({ ok: false, attempts: 3, stopped: { reason: 'attempts' } });
  });
});

describe('withRetries and Retry-After', () => {
  const failing = (retryAfter: string | null) => ({
    ok: false as const,
    failure: 'throttled' as const,
    reason: 'HTTP 429',
    retryAfter,
  });

  it("waits the server's Retry-After in place of the backoff, and the backoff when it sends none", async () => {
    const waits: number[] = [];
    const results = [failing('2'), failing(null), failing('Thu, 26 Nov 2026 10:00:05 GMT')];
    const run = await withRetries({
      maxAttempts: 4,
      backoff: { baseMs: 400, maxMs: 3_200 },
      maxWaitMs: 10_000,
      random: () => 0.5,
      now: () => Date.parse('2026-11-26T10:00:00Z'),
      sleep: async (ms) => {
        waits.push(ms);
      },
      attempt: async (n) => results[n - 1] ?? { ok: true, value: 'sent' },
    });
    expect(run).toEqual({ ok: true, value: 'sent', attempts: 4 });
    // 2 s as asked; a throttle's backoff at 0.5 of 2·400·2; 5 s to the date asked.
    expect(waits).toEqual([2_000, 800, 5_000]);
  });

  it('hands a Retry-After past the maximum wait back at once, without waiting or using the attempts', async () => {
    const waits: number[] = [];
    let calls = 0;
    const run = await withRetries({
      maxAttempts: 5,
      backoff: { baseMs: 1, maxMs: 1 },
      maxWaitMs: 10_000,
      sleep: async (ms) => {
        waits.push(ms);
      },
      attempt: async () => {
        calls += 1;
        return failing('120');
      },
    });
    expect(run).toMatchObject({ ok: false, attempts: 1, stopped: { reason: 'wait', waitMs: 120_000 } });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('stops at the deadline when the wait asked would pass it', async () => {
    const run = await withRetries({
      maxAttempts: 5,
      backoff: { baseMs: 1, maxMs: 1 },
      deadlineAt: 1_003_000,
      now: () => 1_000_000,
      sleep: async () => {},
      attempt: async () => failing('5'),
    });
    expect(run).toMatchObject({ ok: false, attempts: 1, stopped: { reason: 'deadline' } });
  });

  it('applies the maximum wait to a backoff too', () => {
    const state = {
      failure: 'transient' as const,
      errorCode: undefined,
      transientFailures: 3,
      maxAttempts: 5,
      now: 0,
      deadlineAt: Number.POSITIVE_INFINITY,
    };
    expect(nextRetryStep(state, { baseMs: 1_000, maxMs: 8_000, maxWaitMs: 1_000 }, () => 0.5)).toEqual({
      retry: false,
      reason: 'wait',
      waitMs: 2_000,
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it("reads the RFC's three HTTP-date forms, all in GMT", () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Thursday, 26-Nov-26 10:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Thu Nov 26 10:00:09 2026', now)).toBe(9_000);
  });

  it('reads a past date as no wait', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it('caps what it believes', () => {
    expect(parseRetryAfter('86400', now)).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfter('99999999999999999999999', now)).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfter('Fri, 26 Nov 2027 10:00:00 GMT', now)).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfter('60', now, 10_000)).toBe(10_000);
  });

  it.each([
    null,
    undefined,
    '',
    '   ',
    'soon',
    'soon 1',
    '-5',
    '1.5',
    '2026-11-26T10:00:05Z',
    'Thu, 32 Nov 2026 10:00:05 GMT',
    'Thu, 26 Nov 2026 10:00:05 CET',
    '<script>',
  ])('reads %j as no Retry-After, leaving the wait to the backoff', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('toNetworkError', () => {
  const live = new AbortController().signal;
  const fail = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

  it.each([
    ['CERT_HAS_EXPIRED', 'TLS_ERROR', false],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS_ERROR', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS_ERROR', false],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS_ERROR', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_ERROR', false],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS_ERROR', false],
    ['UND_ERR_CONNECT_TIMEOUT', 'REQUEST_TIMEOUT', true],
    ['CONNECT_TIMEOUT', 'REQUEST_TIMEOUT', true],
    ['ECONNRESET', 'NETWORK_ERROR', true],
    ['ECONNREFUSED', 'NETWORK_ERROR', true],
    ['ENOTFOUND', 'NETWORK_ERROR', true],
    ['UND_ERR_SOCKET', 'NETWORK_ERROR', true],
  ] as const)('maps %s to %s (retryable: %s)', (code, expected, retryable) => {
    const error = toNetworkError(fail(code), live);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe(expected);
    expect(error.retryable).toBe(retryable);
  });

  it('names the code of an unknown network error in the message', () => {
    expect(toNetworkError(fail('EWHATEVER', 'odd'), live).message).toBe('EWHATEVER: odd');
  });

  it('reports an aborted attempt as a timeout, whatever the stack threw', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toNetworkError(fail('ECONNRESET'), controller.signal).code).toBe('REQUEST_TIMEOUT');
    expect(toNetworkError('not even an Error', controller.signal).code).toBe('REQUEST_TIMEOUT');
  });

  it('keeps a NetworkError as it is', () => {
    const original = new NetworkError('TLS_ERROR', 'x');
    expect(toNetworkError(original, live)).toBe(original);
  });
});
