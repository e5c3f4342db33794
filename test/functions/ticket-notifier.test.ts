/**
 * The ticket notifier as Lambda runs it: the real handler (middy, Powertools, its own configuration and
 * deps), SNS events in, Jira and ServiceNow stand-ins on 127.0.0.1 that check the credentials.
 */
import type { SNSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createTicketNotifierHandler } from '../../functions/ticket-notifier.ts';
import type { Env } from '../../lib/secrets.ts';
import type { TicketOutcome } from '../../lib/tickets/outcome-message.ts';
import { localContext } from '../../local/lambda-context.ts';
import { type CaptureAnswer, startCaptureServer } from '../helpers/capture-server.ts';
import { ENDPOINT_ID } from '../helpers/factories.ts';
import { JIRA_API_TOKEN, JIRA_EMAIL, JIRA_PAT, startJira } from '../helpers/jira.ts';
import { SN_CLIENT_ID, SN_CLIENT_SECRET, startServiceNow } from '../helpers/servicenow.ts';
import { aFailedOutcome, anOutcome, SYS_ID } from '../tickets/outcomes.ts';

type Server = { close(): Promise<void> };
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function jiraCloud() {
  const jira = await startJira({
    flavour: 'cloud',
    issues: ['OPS-42', 'HR-7', 'NET-3'],
    transitions: ['31', '41'],
  });
  servers.push(jira);
  return jira;
}

function snsEvent(...messages: unknown[]): SNSEvent {
  return {
    Records: messages.map((message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:outcomes:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `m-${i}`,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:outcomes',
        Subject: '',
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: '2026-11-26T10:00:00.000Z',
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    })),
  } as SNSEvent;
}

function notifier(env: Env) {
  const lines: string[] = [];
  const handler = createTicketNotifierHandler(
    { ...env, AWS_LAMBDA_FUNCTION_NAME: 'ticket-notifier', POWERTOOLS_METRICS_NAMESPACE: 'VpcepApproval' },
    { write: (line) => lines.push(line) },
  );
  const invoke = (...outcomes: unknown[]) =>
    handler(snsEvent(...outcomes), localContext('ticket-notifier', 60_000));
  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { invoke, lines, logged };
}

const cloudEnv = (url: string): Env => ({
  JIRA_BASE_URL: url,
  JIRA_EMAIL,
  JIRA_API_TOKEN,
  JIRA_TRANSITION_ON_SUCCEEDED: '31',
  JIRA_TRANSITION_ON_FAILED: '41',
  JIRA_PROJECTS: 'OPS',
});

const commentPosts = (jira: Awaited<ReturnType<typeof jiraCloud>>) =>
  jira.recorded.filter((r) => r.method === 'POST' && r.path.endsWith('/comment'));

describe('ticket-notifier handler on Jira', () => {
  it('comments a succeeded outcome on its issue with our credentials and takes the succeeded transition', async () => {
    const jira = await jiraCloud();
    const { invoke, lines } = notifier(cloudEnv(jira.url));

    await invoke(anOutcome());

    const comments = jira.comments.get('OPS-42') ?? [];
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments[0]?.body)).toContain('Succeeded');
    expect(JSON.stringify(comments[0]?.body)).toContain(ENDPOINT_ID);
    expect(jira.transitioned).toEqual([{ key: 'OPS-42', id: '31' }]);
    // Every call carried the Cloud credentials; no line of the log carries the token.
    for (const request of jira.recorded)
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_API_TOKEN}`).toString('base64')}`,
      );
    expect(lines.join('\n')).not.toContain(JIRA_API_TOKEN);
    expect(lines.some((l) => l.includes('"result":"commented"'))).toBe(true);
  });

  it('comments a failed outcome with Huawei’s error code and request id, and takes the failed transition', async () => {
    const jira = await jiraCloud();
    const { invoke } = notifier(cloudEnv(jira.url));

    await invoke(aFailedOutcome());

    const shown = JSON.stringify(jira.comments.get('OPS-42')?.[0]?.body);
    expect(shown).toContain('EndPoint.0005');
    expect(shown).toContain('f3c2a1b0e9d84c7b6a5f4e3d2c1b0a99');
    expect(jira.transitioned).toEqual([{ key: 'OPS-42', id: '41' }]);
  });

  it('writes wiki markup with a bearer token to Data Center', async () => {
    const jira = await startJira({ flavour: 'datacenter', issues: ['OPS-42'], transitions: ['31'] });
    servers.push(jira);
    const { invoke } = notifier({
      JIRA_BASE_URL: jira.url,
      JIRA_PAT,
      JIRA_TRANSITION_ON_SUCCEEDED: '31',
      JIRA_PROJECTS: 'OPS',
    });

    await invoke(anOutcome());

    expect(typeof jira.comments.get('OPS-42')?.[0]?.body).toBe('string');
    expect(jira.recorded.every((r) => r.headers.authorization === `Bearer ${JIRA_PAT}`)).toBe(true);
    expect(jira.transitioned).toEqual([{ key: 'OPS-42', id: '31' }]);
  });

  it('comments once when SNS delivers the same outcome again', async () => {
    const jira = await jiraCloud();
    const { invoke } = notifier(cloudEnv(jira.url));

    await invoke(anOutcome());
    await invoke(anOutcome());

    expect(jira.comments.get('OPS-42')).toHaveLength(1);
    expect(commentPosts(jira)).toHaveLength(1);
  });

  it('logs a refusal (4xx) with the ticket key and drops it: the handler succeeds, nothing is retried', async () => {
    const jira = await jiraCloud();
    const { invoke, logged } = notifier(cloudEnv(jira.url));

    await expect(invoke(anOutcome({ source: { system: 'jira', ref: 'OPS-999' } }))).resolves.toBeUndefined();

    const refusal = logged().find((l) => l.message === 'ticket system refused the outcome; not retried');
    expect(refusal).toMatchObject({ ticket: 'OPS-999', status: 404 });
    expect(commentPosts(jira)).toHaveLength(0);
  });

  it('throws on a 5xx that outlasts the retries, so Lambda retries the event; the retry comments once', async () => {
    const jira = await jiraCloud();
    const { invoke } = notifier(cloudEnv(jira.url));
    const comment = (r: { method: string; path: string }) =>
      r.method === 'POST' && r.path.endsWith('/issue/OPS-42/comment');
    for (let i = 0; i < 3; i += 1) jira.failNext(comment, { status: 503, body: { errorMessages: ['busy'] } });

    await expect(invoke(anOutcome())).rejects.toMatchObject({ code: 'TICKET_UNAVAILABLE' });
    expect(jira.comments.get('OPS-42')).toHaveLength(0);

    await invoke(anOutcome());
    expect(jira.comments.get('OPS-42')).toHaveLength(1);
    expect(jira.transitioned).toEqual([{ key: 'OPS-42', id: '31' }]);
  });

  it('calls nothing for an outcome whose source names another host, another system, or is not an outcome', async () => {
    const jira = await jiraCloud();
    const { invoke } = notifier(cloudEnv(jira.url));

    await invoke(
      anOutcome({ source: { system: 'jira', ref: 'OPS-42', url: 'https://evil.example.com/browse/OPS-42' } }),
      anOutcome({ source: { system: 'slack', ref: 'OPS-42' } }),
      anOutcome({ source: { system: 'jira', ref: '../../admin' } }),
      'not json at all',
    );

    expect(jira.recorded).toEqual([]);
  });

  it('writes only to issues of JIRA_PROJECTS: an outcome naming another project’s issue calls nothing', async () => {
    const jira = await jiraCloud();
    const { invoke, logged } = notifier({ ...cloudEnv(jira.url), JIRA_PROJECTS: 'OPS, NET' });

    await invoke(
      anOutcome({ source: { system: 'jira', ref: 'HR-7' } }),
      anOutcome({ source: { system: 'jsm', ref: 'HR-7' } }),
    );
    expect(jira.recorded).toEqual([]);
    expect(logged()).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('outside JIRA_PROJECTS'), ticket: 'HR-7' }),
    );

    await invoke(anOutcome({ source: { system: 'jira', ref: 'NET-3' } }));
    expect(jira.comments.get('NET-3')).toHaveLength(1);
    expect(jira.comments.get('HR-7') ?? []).toHaveLength(0);
  });

  it('writes to the approval project’s issues when JIRA_PROJECTS is unset', async () => {
    const jira = await jiraCloud();
    const { JIRA_PROJECTS: _, ...withoutProjects } = cloudEnv(jira.url);
    const { invoke } = notifier({
      ...withoutProjects,
      JIRA_APPROVAL_PROJECT: 'NET',
      JIRA_APPROVAL_ISSUE_TYPE: 'Task',
    });

    await invoke(
      anOutcome({ source: { system: 'jira', ref: 'OPS-42' } }),
      anOutcome({ source: { system: 'jira', ref: 'NET-3' } }),
    );

    expect(jira.comments.get('NET-3')).toHaveLength(1);
    expect(jira.comments.get('OPS-42') ?? []).toHaveLength(0);
  });

  it('refuses to start without JIRA_PROJECTS or JIRA_APPROVAL_PROJECT, naming JIRA_PROJECTS; nothing is called', async () => {
    const jira = await jiraCloud();
    const { JIRA_PROJECTS: _, ...withoutProjects } = cloudEnv(jira.url);
    const { invoke } = notifier(withoutProjects);

    await expect(invoke(anOutcome())).rejects.toMatchObject({
      code: 'not_configured',
      variable: 'JIRA_PROJECTS',
    });
    expect(jira.recorded).toEqual([]);
  });

  it('refuses JIRA_PROJECTS that are not project keys, naming it', async () => {
    const jira = await jiraCloud();
    const { invoke } = notifier({ ...cloudEnv(jira.url), JIRA_PROJECTS: 'OPS-42,*' });

    await expect(invoke(anOutcome())).rejects.toMatchObject({ variable: 'JIRA_PROJECTS' });
    expect(jira.recorded).toEqual([]);
  });

  it('fails closed, naming the variable, when Jira’s credentials are incomplete; nothing is called', async () => {
    const jira = await jiraCloud();
    const { invoke } = notifier({ JIRA_BASE_URL: jira.url, JIRA_EMAIL });

    await expect(invoke(anOutcome())).rejects.toMatchObject({
      code: 'not_configured',
      variable: 'JIRA_API_TOKEN',
    });
    expect(jira.recorded).toEqual([]);
  });
});

describe('ticket-notifier handler with its secrets in SSM', () => {
  const SDK_ENV = ['AWS_ENDPOINT_URL_SSM', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
  const saved: Record<string, string | undefined> = {};
  afterEach(() => {
    for (const name of SDK_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('reads JIRA_API_TOKEN from the SSM path, writes back with it, and logs it nowhere', async () => {
    const jira = await jiraCloud();
    const stored = '/vpcep-approval/prod/JIRA_API_TOKEN';
    const ssm = await startCaptureServer(
      (request): CaptureAnswer => ({
        status: 200,
        contentType: 'application/x-amz-json-1.1',
        body: JSON.stringify({
          Parameters: (request.body as { Names: string[] }).Names.filter((n) => n === stored).map((Name) => ({
            Name,
            Value: JIRA_API_TOKEN,
            Type: 'SecureString',
          })),
        }),
      }),
    );
    servers.push(ssm);
    // The SDK's standard configuration, as Lambda gives it, pointed at the stand-in.
    for (const name of SDK_ENV) saved[name] = process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    const { JIRA_API_TOKEN: _, ...withoutToken } = cloudEnv(jira.url);
    const { invoke, lines } = notifier({ ...withoutToken, SECRETS_SSM_PATH: '/vpcep-approval/prod/' });

    await invoke(anOutcome());

    // It asks for its own variables by name (its role may read no other), never the Huawei keys.
    const asked = ssm.captured.flatMap((r) => (r.body as { Names: string[] }).Names);
    expect(asked).toContain(stored);
    expect(asked).not.toContain('/vpcep-approval/prod/HUAWEICLOUD_SDK_SK');
    expect(new Set(asked).size).toBe(asked.length);
    expect(jira.comments.get('OPS-42')).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(JIRA_API_TOKEN);
  });
});

describe('ticket-notifier handler on ServiceNow', () => {
  it('adds the outcome as a work note with an OAuth token, once across a redelivery', async () => {
    const record = `change_request:${SYS_ID}`;
    const sn = await startServiceNow({ records: [record] });
    servers.push(sn);
    const { invoke, lines } = notifier({
      SERVICENOW_INSTANCE_URL: sn.url,
      SERVICENOW_CLIENT_ID: SN_CLIENT_ID,
      SERVICENOW_CLIENT_SECRET: SN_CLIENT_SECRET,
    });
    const outcome: TicketOutcome = aFailedOutcome({ source: { system: 'servicenow', ref: record } });

    await invoke(outcome);
    await invoke(outcome);

    const notes = sn.notes.get(record) ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('EndPoint.0005');
    expect(notes[0]).toContain('f3c2a1b0e9d84c7b6a5f4e3d2c1b0a99');
    expect(sn.tokensIssued()).toBe(1);
    expect(lines.join('\n')).not.toContain(SN_CLIENT_SECRET);
  });
});
