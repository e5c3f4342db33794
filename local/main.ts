/**
 * `npm start`: the local stack on its embedded default — webhook on http://127.0.0.1:3000, SQS/SNS in
 * process (fauxqs), the worker fed as Lambda would, and the Huawei Cloud simulator as the target unless
 * real credentials are set (HUAWEICLOUD_SDK_AK/SK or HUAWEICLOUD_AUTH_TOKEN). Everything listens on
 * 127.0.0.1 only. Outcomes are printed as they are published. Ctrl-C (or SIGTERM) stops it and frees
 * every port.
 */
import { parseRateLimits } from '../simulator/index.ts';
import { DEMO, seedDemo } from '../simulator/main.ts';
import { PortInUseError } from './listen.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

const quiet = process.env.VPCEP_APPROVAL_LOG_LEVEL === undefined;
// The ColdStart metric goes to stdout, where the outcomes are printed; off unless asked for.
if (quiet) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) =>
    /^(HUAWEICLOUD_|VPCEP_APPROVAL_|WEBHOOK_|SLACK_|FEISHU_|CHATOPS_|JIRA_|SERVICENOW_)/.test(k),
  ),
);
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number from 0 to 65535, not "${process.env.PORT}"`);
  process.exit(2);
}

let stack: LocalStack;
try {
  stack = await startLocalStack({
    port,
    env: { VPCEP_APPROVAL_LOG_LEVEL: 'warn', ...env },
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
  console.error(
    error instanceof PortInUseError ? error.message : `the local stack failed to start: ${String(error)}`,
  );
  process.exit(1);
}

if (stack.sim !== undefined) seedDemo(stack.sim);
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
  chat-ops    POST ${stack.url}/chatops/slack, ${stack.url}/chatops/feishu (set SLACK_* / FEISHU_* to use them)
  huawei      ${stack.sim === undefined ? 'real Huawei Cloud (credentials from the environment)' : `simulator at ${stack.sim.url} (VPCEP service ${DEMO.serviceId} and APIG gateway ${DEMO.instanceId}, two pending connections each)`}
  jira        ${stack.jira === undefined ? `${stack.env.JIRA_BASE_URL} (JIRA_BASE_URL)` : `stand-in at ${stack.jira.url} (project NET; user ${stack.env.JIRA_EMAIL}, token ${stack.env.JIRA_API_TOKEN})`}
  queue       ${stack.queue.url}
  topic       ${stack.topicArn}

Accept the seeded connections (queued; the outcome prints below when the worker publishes it):

curl -sS -X POST '${stack.webhookUrl}' \\
  -H 'content-type: application/json' \\
  -H 'authorization: Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}' \\
  -d '${JSON.stringify(decision)}'

Add ?wait=true to the URL to execute inline and get the outcome in the answer. Ctrl-C stops.
`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  // A second signal while stopping means "now".
  if (stopping) process.exit(1);
  stopping = true;
  void stack.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`stopping after ${signal} failed: ${String(error)}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
