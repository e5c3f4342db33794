/**
 * `npm start`: the local stack on its embedded default — webhook on http://127.0.0.1:3000, SQS/SNS in
 * process (fauxqs), the ledger in process (dynalite), the worker fed as Lambda would, the approval
 * sweeper every few seconds, and the Huawei Cloud simulator as the target unless real credentials are
 * set (HUAWEICLOUD_SDK_AK/SK or HUAWEICLOUD_AUTH_TOKEN). Everything listens on 127.0.0.1 only.
 * Outcomes and approval requests are printed as they are published. Ctrl-C (or SIGTERM) stops it and
 * frees every port.
 */

import { randomBytes } from 'node:crypto';
import { parseRateLimits } from '../simulator/index.ts';
import { DEMO, ESTATE_DEMO, estateDemoAccounts, seedDemo } from '../simulator/main.ts';
import { startChatCapture } from './chat-capture.ts';
import { clickCurl, startChinaStandIn } from './china-stand-in.ts';
import { feishuClickCommand, slackClickCommand } from './demo-clicks.ts';
import { PortInUseError } from './listen.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

const quiet = process.env.VPCEP_APPROVAL_LOG_LEVEL === undefined;
// The ColdStart metric goes to stdout, where the outcomes are printed; off unless asked for.
if (quiet) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) =>
    /^(HUAWEICLOUD_|VPCEP_APPROVAL_|WEBHOOK_|SLACK_|FEISHU_|DINGTALK_|WECOM_|CHATOPS_|JIRA_|SERVICENOW_)/.test(
      k,
    ),
  ),
);
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number from 0 to 65535, not "${process.env.PORT}"`);
  process.exit(2);
}

/**
 * The approval loop's demo: a VPCEP service of its own (so the connections above stay for the curl
 * example) with a pending connection from a trusted account, which the first sweep accepts with no
 * person involved, and one from an account nobody knows, which people are asked about.
 */
const LOOP = {
  serviceId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  trusted: {
    endpointId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    domainId: '5d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a',
  },
  unknown: {
    endpointId: '6fa459ea-ee8a-4ca4-894e-db77e160355e',
    domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
  },
} as const;
const loopTarget = `vpcep:${LOOP.serviceId}`;
const DISCOVERED_ENDPOINT = 'd4c3b2a1-9e8f-4a7b-b6c5-d4e3f2a1b0c9';
/** On the discovered service: a consumer nobody knows yet (onboarded by a permit), and one accepted in the console. */
const NEWCOMER = {
  endpointId: 'e5d4c3b2-a1f0-4e9d-8c7b-6a5f4e3d2c1b',
  domainId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
};
const BEHIND = {
  endpointId: 'f6e5d4c3-b2a1-4f0e-9d8c-7b6a5f4e3d2c',
  domainId: 'beef0000beef0000beef0000beef0000',
};
const sweepIntervalMs = Number(process.env.SWEEP_INTERVAL_MS ?? 5_000);
if (!Number.isInteger(sweepIntervalMs) || sweepIntervalMs < 500) {
  console.error(
    `SWEEP_INTERVAL_MS must be a whole number of milliseconds, at least 500, not "${process.env.SWEEP_INTERVAL_MS}"`,
  );
  process.exit(2);
}
// Approval requests go to Slack's API stand-in on 127.0.0.1 unless a real Slack is configured.
const chat =
  env.SLACK_BOT_TOKEN === undefined
    ? await startChatCapture(
        (message) =>
          process.stdout.write(`chat message posted (Slack stand-in): ${JSON.stringify(message)}\n`),
        (message) =>
          process.stdout.write(`chat message updated (Slack stand-in): ${JSON.stringify(message)}\n`),
      )
    : undefined;
// DingTalk and WeCom likewise: each card raised prints a curl that clicks Accept as the platform would.
const CHINA_USER = 'localalice';
let apiUrl = '';
const china =
  env.DINGTALK_APP_KEY === undefined && env.WECOM_CORP_ID === undefined
    ? await startChinaStandIn(CHINA_USER, (platform, cardId, secrets) =>
        process.stdout.write(
          `${platform} card ${cardId} raised (stand-in); click Accept as ${CHINA_USER} (valid 5 minutes):\n${clickCurl(platform, apiUrl, cardId, CHINA_USER, secrets)}\n`,
        ),
      )
    : undefined;
// Two people approve the unknown account's connection: alice (Slack and Feishu, and Jira through its
// Automation rule) and bob (Slack). The chat secrets sign the clicks the banner prints.
const PEOPLE = {
  alice: {
    slack: 'U0ALICE',
    feishu: 'ou_alice',
    jira: 'local-alice',
    dingtalk: CHINA_USER,
    wecom: CHINA_USER,
  },
  bob: { slack: 'U0BOB' },
} as const;
const chatSecrets = {
  SLACK_SIGNING_SECRET: env.SLACK_SIGNING_SECRET ?? randomBytes(16).toString('hex'),
  SLACK_ALLOWED_USERS: env.SLACK_ALLOWED_USERS ?? `${PEOPLE.alice.slack} ${PEOPLE.bob.slack}`,
  FEISHU_ENCRYPT_KEY: env.FEISHU_ENCRYPT_KEY ?? randomBytes(16).toString('hex'),
  FEISHU_VERIFICATION_TOKEN: env.FEISHU_VERIFICATION_TOKEN ?? randomBytes(16).toString('hex'),
  FEISHU_ALLOWED_USERS: env.FEISHU_ALLOWED_USERS ?? PEOPLE.alice.feishu,
};
/**
 * With the simulator, a two-account, two-region estate (docs/estate.md): the demo account (the
 * functions' own keys) holds the curl example's targets in cn-north-4 (allowed, not swept) and the
 * loop's service in cn-east-3; the `payments` account, reached through its agency, is swept for every
 * endpoint service it has in both regions. With real credentials, the watch list of old.
 */
const useSimulator = env.HUAWEICLOUD_SDK_AK === undefined && env.HUAWEICLOUD_AUTH_TOKEN === undefined;
// Target lists of one's own mean the one-account stack: an estate beside them would be refused.
const useEstate =
  useSimulator &&
  env.VPCEP_APPROVAL_WATCH_TARGETS === undefined &&
  env.VPCEP_APPROVAL_ALLOWED_TARGETS === undefined;
const estate = {
  accounts: {
    demo: {
      domainId: ESTATE_DEMO.hub.domainId,
      regions: {
        [DEMO.region]: { targets: [`vpcep:${DEMO.serviceId}`, `apig:${DEMO.instanceId}`], watch: false },
        'cn-east-3': { targets: [loopTarget] },
      },
    },
    payments: {
      domainId: ESTATE_DEMO.payments.domainId,
      agency: ESTATE_DEMO.payments.agency,
      regions: { [DEMO.region]: { targets: ['vpcep:*'] }, 'cn-east-3': { targets: ['vpcep:*'] } },
    },
  },
};
const where = useEstate
  ? { VPCEP_APPROVAL_ESTATE: JSON.stringify(estate) }
  : { VPCEP_APPROVAL_WATCH_TARGETS: loopTarget };
const loopEnv = {
  ...where,
  VPCEP_APPROVAL_RULES: JSON.stringify({
    people: PEOPLE,
    trustedApprovers: ['jira'],
    targets: {
      // In the estate, the trusted account is accepted on every target found; the loop's service asks two people.
      ...(useEstate ? { '*': { autoAccept: [LOOP.trusted.domainId] } } : {}),
      [loopTarget]: {
        autoAccept: [LOOP.trusted.domainId],
        approvalsRequired: 2,
        approvers: ['alice', 'bob'],
      },
    },
  }),
  ...chatSecrets,
  ...china?.env,
  ...(chat === undefined
    ? {}
    : {
        SLACK_BOT_TOKEN: 'xoxb-local-stand-in',
        SLACK_APPROVAL_CHANNEL: 'C0LOCALAPPROVALS',
        SLACK_API_BASE: chat.apiBase,
      }),
};

let stack: LocalStack;
try {
  stack = await startLocalStack({
    port,
    env: { VPCEP_APPROVAL_LOG_LEVEL: 'warn', ...loopEnv, ...env },
    ...(useEstate ? { simulatorAccounts: estateDemoAccounts() } : {}),
    onApprovalRequest: (request) => process.stdout.write(`approval requested: ${JSON.stringify(request)}\n`),
    onSweepEvent: (event) => process.stdout.write(`${event.eventType}: ${JSON.stringify(event)}\n`),
    // SIMULATOR_RATE_LIMIT=vpcep=10,apig=2 makes the simulator throttle like a busy gateway.
    ...(process.env.SIMULATOR_RATE_LIMIT === undefined
      ? {}
      : { simulatorRateLimits: parseRateLimits(process.env.SIMULATOR_RATE_LIMIT) }),
    // Function logs and EMF metrics are noise here unless a log level was asked for.
    write: (line) => {
      if (!quiet || /"level":"error"/i.test(line)) process.stderr.write(`${line}\n`);
    },
    onOutcome: (outcome) => process.stdout.write(`outcome published: ${JSON.stringify(outcome)}\n`),
  });
} catch (error) {
  // One line a person can act on, not a stack trace.
  await chat?.stop();
  await china?.stop();
  console.error(
    error instanceof PortInUseError ? error.message : `the local stack failed to start: ${String(error)}`,
  );
  process.exit(1);
}

apiUrl = stack.url;
if (stack.sim !== undefined) {
  seedDemo(stack.sim);
  stack.sim.seed({
    kind: 'vpcep',
    projectId: useEstate ? ESTATE_DEMO.hub.eastProjectId : DEMO.projectId,
    targetId: LOOP.serviceId,
    connections: [LOOP.trusted, LOOP.unknown].map((c) => ({ id: c.endpointId, domainId: c.domainId })),
    permissions: [LOOP.trusted.domainId],
  });
  // In the second account, never listed: the sweep discovers it and accepts its trusted connection.
  if (useEstate)
    stack.sim.seed({
      kind: 'vpcep',
      projectId: ESTATE_DEMO.payments.projects['cn-east-3'],
      targetId: ESTATE_DEMO.payments.serviceId,
      connections: [
        { id: DISCOVERED_ENDPOINT, domainId: LOOP.trusted.domainId },
        { id: NEWCOMER.endpointId, domainId: NEWCOMER.domainId },
        { id: BEHIND.endpointId, domainId: BEHIND.domainId },
      ],
      permissions: [LOOP.trusted.domainId],
    });
}
stack.startSweeping(sweepIntervalMs);
const target = stack.sim === undefined ? undefined : { type: 'vpcep', serviceId: DEMO.serviceId };
const decision = {
  id: 'CHG-1042',
  action: 'accept',
  target,
  endpoints: [...DEMO.vpcepEndpoints],
  reason: 'approved in CHG-1042',
  requestedBy: 'alice@example.com',
};

console.log(`vpcep-approval local stack (listening on 127.0.0.1 only)
  webhook     POST ${stack.webhookUrl}
  chat-ops    POST ${stack.url}/chatops/slack, ${stack.url}/chatops/feishu (signed with secrets made up at this start; set SLACK_* / FEISHU_* for your own)
              POST ${stack.url}/chatops/dingtalk, GET|POST ${stack.url}/chatops/wecom${china === undefined ? '' : ` (DingTalk and WeCom APIs: stand-in at ${china.url})`}
  huawei      ${stack.sim === undefined ? 'real Huawei Cloud (credentials from the environment)' : `simulator at ${stack.sim.url} (VPCEP service ${DEMO.serviceId} and APIG gateway ${DEMO.instanceId}, two pending connections each)`}
  jira        ${stack.jira === undefined ? `${stack.env.JIRA_BASE_URL} (JIRA_BASE_URL)` : `stand-in at ${stack.jira.url} (project NET; user ${stack.env.JIRA_EMAIL}, token ${stack.env.JIRA_API_TOKEN})`}
  queue       ${stack.queue.url}
  topic       ${stack.topicArn}
  ledger      DynamoDB table ${stack.ledger.tableName} at ${stack.ledger.url} (dynalite, in process); what it recorded:
              ${historyLine()}
  sweeper     every ${sweepIntervalMs / 1000} s over ${stack.env.VPCEP_APPROVAL_WATCH_TARGETS ?? estateLine()}${chat === undefined ? '' : `; approval requests also posted to a Slack stand-in at ${chat.apiBase}`}

The sweeper accepts the connection from trusted account ${LOOP.trusted.domainId} with no person
involved (its outcome prints below), and asks about the one from ${LOOP.unknown.domainId}: its
approval request prints below${chat === undefined ? '' : ', with the chat message posted for it'}.${
  !useEstate
    ? ''
    : `
It also finds service ${ESTATE_DEMO.payments.serviceId} in account payments (listed nowhere; reached
through the agency ${ESTATE_DEMO.payments.agency}) and accepts its connection from the trusted account: that
outcome's "placement" names payments and cn-east-3.`
}

${twoPersonWalkthrough()}${jiraWalkthrough()}${estateWalkthrough()}Accept the seeded connections (queued; the outcome prints below when the worker publishes it):

curl -sS -X POST '${stack.webhookUrl}' \\
  -H 'content-type: application/json' \\
  -H 'authorization: Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}' \\
  -d '${JSON.stringify(decision)}'

Add ?wait=true to the URL to execute inline and get the outcome in the answer. Ctrl-C stops.
`);

/**
 * Two-person approval of the unknown account's connection: alice clicks Accept in Slack, then in Feishu
 * (the same person: it still waits), then bob in Slack, and the worker accepts it.
 */
function twoPersonWalkthrough(): string {
  if (stack.sim === undefined) return '';
  const click = (user: string) => ({
    user,
    action: 'accept' as const,
    target: loopTarget,
    endpointId: LOOP.unknown.endpointId,
  });
  const responseUrl = `${chat?.apiBase ?? 'https://hooks.slack.com'}/actions/T0LOCAL/approval`;
  const slack = (user: string) =>
    slackClickCommand(click(user), {
      url: stack.url,
      signingSecret: chatSecrets.SLACK_SIGNING_SECRET,
      responseUrl,
    });
  const feishu = feishuClickCommand(click(PEOPLE.alice.feishu), {
    url: stack.url,
    encryptKey: chatSecrets.FEISHU_ENCRYPT_KEY,
    verificationToken: chatSecrets.FEISHU_VERIFICATION_TOKEN,
  });
  return `Its rules ask two people, alice and bob. Approve as alice in Slack (it waits for a second person):

${slack(PEOPLE.alice.slack)}

as alice again, in Feishu (the same person: it still waits for bob):

${feishu}

and as bob in Slack: both have approved, and the worker accepts the connection (its outcome prints below):

${slack(PEOPLE.bob.slack)}

`;
}

/** The CLI's `history` of the sweeper's target, read from this ledger (its endpoint needs no keys). */
function historyLine(): string {
  return `LEDGER_TABLE_NAME=${stack.ledger.tableName} AWS_ENDPOINT_URL_DYNAMODB=${stack.ledger.url} npx vpcep-approval history --target ${loopTarget}`;
}

/**
 * The whole estate, after the moment of approval: onboard a consumer in one step (a permit puts its
 * account on the discovered service's whitelist and accepts its pending connection), and change a
 * connection in the console behind the tool's back, which the next sweep reports as drift.
 */
function estateWalkthrough(): string {
  if (!useEstate || stack.sim === undefined) return '';
  const permit = {
    id: 'ONBOARD-1',
    action: 'permit',
    target: { type: 'vpcep', serviceId: ESTATE_DEMO.payments.serviceId },
    accounts: [NEWCOMER.domainId],
    acceptPending: true,
    reason: 'onboard the newcomer',
    requestedBy: 'platform-team',
  };
  const project = ESTATE_DEMO.payments.projects['cn-east-3'];
  return `Onboard a new consumer of the discovered service in one step: the permit puts account ${NEWCOMER.domainId}
on its whitelist and accepts its pending connection (the outcome's "accounts" and "results" say so):

curl -sS -X POST '${stack.webhookUrl}' \\
  -H 'content-type: application/json' \\
  -H 'authorization: Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}' \\
  -d '${JSON.stringify(permit)}'

Accept a connection behind the tool's back, as someone in the Huawei console would (the simulator's console
stand-in); the next sweep reports it once as drift ("drift.detected" below):

curl -sS -X POST '${stack.sim.url}/console/${project}/vpc-endpoint-services/${ESTATE_DEMO.payments.serviceId}/connections/${BEHIND.endpointId}/accept'

`;
}

/** The estate the sweeper watches, in one line. */
function estateLine(): string {
  return `the estate: account demo (${DEMO.region} allowed, not swept; cn-east-3 swept), account payments (every endpoint service in ${DEMO.region} and cn-east-3, through its agency)`;
}

/** With the Jira stand-in: the approval issue the sweep opens, decided as a Jira Automation rule would. */
function jiraWalkthrough(): string {
  if (stack.jira === undefined || stack.sim === undefined) return '';
  const key = 'NET-101';
  const decision = {
    id: `${key}.1`,
    action: 'accept',
    target: { type: 'vpcep', serviceId: LOOP.serviceId },
    endpoints: [LOOP.unknown.endpointId],
    requestedBy: 'Alice Approver',
    // What Jira Automation sends as {{initiator.accountId}}: alice, in the rules' people.
    approvedBy: [`jira:${PEOPLE.alice.jira}`],
    source: { system: 'jira', ref: key, url: `${stack.jira.url}/browse/${key}` },
  };
  const user = `${stack.env.JIRA_EMAIL}:${stack.env.JIRA_API_TOKEN}`;
  return `That approval request also opens Jira issue ${key} on the stand-in. Approving it there, as a Jira Automation
rule would, counts as alice's approval (the rules trust Jira): with bob's it accepts the connection, the outcome
is commented on ${key}, which moves to Done, and the request is closed everywhere it was raised (the Slack
message is updated without its buttons, printed below):

curl -sS -X POST '${stack.webhookUrl}' \\
  -H 'content-type: application/json' \\
  -H 'authorization: Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}' \\
  -d '${JSON.stringify(decision)}'
curl -sS -u '${user}' '${stack.jira.url}/rest/api/3/issue/${key}/comment'
curl -sS -u '${user}' '${stack.jira.url}/rest/api/3/issue/${key}'

`;
}

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  // A second signal while stopping means "now".
  if (stopping) process.exit(1);
  stopping = true;
  void Promise.all([stack.stop(), chat?.stop(), china?.stop()]).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`stopping after ${signal} failed: ${String(error)}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
