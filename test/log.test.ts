import { describe, expect, it } from 'vitest';
import { createLogger } from '../functions/commons/powertools/logger.ts';
import { createJsonLogger, REDACTED, redact } from '../lib/log.ts';

describe('redact', () => {
  it('masks secret-looking keys at any depth', () => {
    const out = redact({
      sk: 'x',
      nested: { Authorization: 'SDK-HMAC-SHA256 ...', 'X-Auth-Token': 't', list: [{ securityToken: 's' }] },
      op: 'ok',
    });
    expect(out).toEqual({
      sk: REDACTED,
      nested: { Authorization: REDACTED, 'X-Auth-Token': REDACTED, list: [{ securityToken: REDACTED }] },
      op: 'ok',
    });
  });

  it('cuts known secret values out of strings and error messages, and drops stacks', () => {
    const error = new Error('failed with key SECRETSECRET123');
    const out = redact({ message: 'sent SECRETSECRET123', error }, ['SECRETSECRET123']) as {
      message: string;
      error: Record<string, unknown>;
    };
    expect(out.message).toBe(`sent ${REDACTED}`);
    expect(out.error).toEqual({ name: 'Error', message: `failed with key ${REDACTED}` });
  });
});

describe('createJsonLogger', () => {
  it('writes one JSON object per line, filtered by level, never a configured secret', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({
      level: 'info',
      write: (l) => lines.push(l),
      secrets: ['AKAKAKAKAKAK'],
      base: { decisionId: 'D1' },
    });
    logger.debug('hidden');
    logger.warn('signed with AKAKAKAKAKAK', { ak: 'AKAKAKAKAKAK', requestId: 'r1' });
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? '');
    expect(record).toMatchObject({ level: 'warn', decisionId: 'D1', requestId: 'r1', ak: REDACTED });
    expect(lines[0]).not.toContain('AKAKAKAKAKAK');
  });
});

describe('the functions’ logger (Powertools Logger with the redacting formatter)', () => {
  it('writes Powertools lines with no configured secret in them, by key or by value', () => {
    const lines: string[] = [];
    const log = createLogger('decision-webhook', (l) => lines.push(l));
    log.configure({ secrets: ['SECRETSECRET123'], logLevel: 'info' });

    log.logger.debug('hidden');
    log.logger.warn('signed with SECRETSECRET123', {
      authorization: 'Bearer abc',
      error: new Error('failed with key SECRETSECRET123'),
      decisionId: 'D1',
    });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('SECRETSECRET123');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'WARN',
      service: 'decision-webhook',
      message: `signed with ${REDACTED}`,
      authorization: REDACTED,
      error: { name: 'Error', message: `failed with key ${REDACTED}` },
      decisionId: 'D1',
    });
  });
});
