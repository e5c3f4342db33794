import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyFailure, maxAttemptsFor } from '../lib/retry.ts';

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
