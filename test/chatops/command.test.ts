import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayDecide, parseChatAllowlist } from '../../lib/chatops/authorize.ts';
import { decisionIdFor, parseCommand } from '../../lib/chatops/command.ts';
import { DecisionIdSchema } from '../../lib/decision/schema.ts';
import { ConfigError } from '../../lib/errors.ts';
import { ENDPOINT_ID, endpointIds, INSTANCE_ID, SERVICE_ID } from '../helpers/factories.ts';

describe('parseCommand', () => {
  it('reads accept with several endpoints and a reason after --', () => {
    const [a, b] = endpointIds(2) as [string, string];
    expect(parseCommand(`  ACCEPT   vpcep:${SERVICE_ID} ${a}  ${b} -- approved in CHG-1 -- really`)).toEqual({
      kind: 'decide',
      action: 'accept',
      target: { type: 'vpcep', serviceId: SERVICE_ID },
      targetKey: `vpcep:${SERVICE_ID}`,
      endpoints: [a, b],
      reason: 'approved in CHG-1 -- really',
    });
  });

  it('takes receive as accept, and reads reject, status and help', () => {
    expect(parseCommand(`receive apig:${INSTANCE_ID} ${ENDPOINT_ID}`)).toMatchObject({
      kind: 'decide',
      action: 'accept',
    });
    expect(parseCommand(`reject apig:${INSTANCE_ID} ${ENDPOINT_ID}`)).toMatchObject({
      kind: 'decide',
      action: 'reject',
    });
    expect(parseCommand(`status vpcep:${SERVICE_ID}`)).toMatchObject({
      kind: 'status',
      targetKey: `vpcep:${SERVICE_ID}`,
    });
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
  });

  it.each([
    ['approve', /unknown command "approve"/],
    ['accept', /needs a target/],
    ['accept vpcep:nope', /"vpcep:nope" is not/],
    [`accept vpcep:${SERVICE_ID}`, /at least one endpoint/],
    [`accept vpcep:${SERVICE_ID} xyz`, /"xyz" is not an endpoint ID/],
    [`accept vpcep:${SERVICE_ID} ${ENDPOINT_ID} ${ENDPOINT_ID.toUpperCase()}`, /listed twice/],
    [`status vpcep:${SERVICE_ID} extra`, /only a target/],
  ])('names the problem in "%s"', (text, message) => {
    const command = parseCommand(text);
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' && command.message).toMatch(message);
  });

  it('never throws, and any decide it returns holds unique UUIDs', () => {
    const uuidish = fc.oneof(fc.uuid(), fc.constant(ENDPOINT_ID), fc.string());
    const text = fc.tuple(
      fc.constantFrom('accept', 'reject', 'status', 'help', 'x', ''),
      fc.constantFrom(`vpcep:${SERVICE_ID}`, 'apig:x', ''),
      fc.array(uuidish, { maxLength: 4 }),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          text.map((parts) => parts.flat().join(' ')),
        ),
        (input) => {
          const command = parseCommand(input);
          if (command.kind === 'decide')
            expect(new Set(command.endpoints.map((e) => e.toLowerCase())).size).toBe(
              command.endpoints.length,
            );
        },
      ),
    );
  });
});

describe('decisionIdFor', () => {
  it('is stable for one request, different for another, and a valid decision id', () => {
    expect(decisionIdFor('slack', 'trigger-1')).toBe(decisionIdFor('slack', 'trigger-1'));
    expect(decisionIdFor('slack', 'trigger-1')).not.toBe(decisionIdFor('slack', 'trigger-2'));
    expect(decisionIdFor('slack', 'x')).not.toBe(decisionIdFor('feishu', 'x'));
    fc.assert(
      fc.property(fc.string(), (key) => {
        expect(DecisionIdSchema.safeParse(decisionIdFor('feishu', key)).success).toBe(true);
      }),
    );
  });
});

describe('chat allowlists', () => {
  it('allows listed users everywhere, scoped users on their targets only, and no one when empty', () => {
    const allowlist = parseChatAllowlist(
      'SLACK_ALLOWED_USERS',
      `U1, U2@vpcep:${SERVICE_ID.toUpperCase()} U2@apig:${INSTANCE_ID}`,
    );
    expect(mayDecide(allowlist, 'U1', `apig:${INSTANCE_ID}`)).toBe(true);
    expect(mayDecide(allowlist, 'U2', `vpcep:${SERVICE_ID}`)).toBe(true);
    expect(mayDecide(allowlist, 'U2', `vpcep:${endpointIds(1)[0]}`)).toBe(false);
    expect(mayDecide(allowlist, 'U3', `vpcep:${SERVICE_ID}`)).toBe(false);
    expect(mayDecide(parseChatAllowlist('SLACK_ALLOWED_USERS', undefined), 'U1', `vpcep:${SERVICE_ID}`)).toBe(
      false,
    );
  });

  it('names the variable for a malformed entry', () => {
    expect(() => parseChatAllowlist('FEISHU_ALLOWED_USERS', 'ou_1@vpcep:nope')).toThrow(ConfigError);
    expect(() => parseChatAllowlist('FEISHU_ALLOWED_USERS', 'ou_1@vpcep:nope')).toThrow(
      /FEISHU_ALLOWED_USERS/,
    );
  });
});
