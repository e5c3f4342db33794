/**
 * `npm start`: the local stack on its embedded default — webhook on http://127.0.0.1:3000, SQS/SNS in
 * process (fauxqs), the worker fed as Lambda would, and the Huawei Cloud simulator as the target unless
 * real credentials are set (HUAWEICLOUD_SDK_AK/SK or HUAWEICLOUD_AUTH_TOKEN). Outcomes are printed as
 * they are published. Ctrl-C stops it.
 */
import { parseRateLimits } from '../simulator/index.ts';
import { DEMO } from '../simulator/main.ts';
import { newEndpointId, startLocalStack } from './stack.ts';

const quiet = process.env.VPCEP_APPROVAL_LOG_LEVEL === undefined;
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) =>
    /^(HUAWEICLOUD_|VPCEP_APPROVAL_|WEBHOOK_|SLACK_|FEISHU_)/.test(k),
  ),
);
const stack = await startLocalStack({
  port: Number(process.env.PORT ?? 3000),
  env: { VPCEP_APPROVAL_LOG_LEVEL: 'warn', ...env },
  // SIMULATOR_RATE_LIMIT=vpcep=10,apig=2 makes the simulator throttle like a busy gateway.
  ...(process.env.SIMULATOR_RATE_LIMIT === undefined
    ? {}
    : { simulatorRateLimits: parseRateLimits(process.env.SIMULATOR_RATE_LIMIT) }),
  // Function logs and EMF metrics are noise here unless a log level was asked for.
  write: (line) => {
    if (!quiet || line.includes('"level":"error"')) process.stderr.write(`${line}\n`);
  },
  onOutcome: (outcome) => process.stdout.write(`outcome published: ${JSON.stringify(outcome)}\n`),
});

const endpoints = [newEndpointId(), newEndpointId()];
const target = stack.sim === undefined ? undefined : { type: 'vpcep', serviceId: DEMO.serviceId };
stack.sim?.seed({
  kind: 'vpcep',
  projectId: DEMO.projectId,
  targetId: DEMO.serviceId,
  connections: endpoints.map((id) => ({ id })),
});
const decision = {
  id: 'CHG-1042',
  action: 'accept',
  target,
  endpoints,
  reason: 'approved in CHG-1042',
  requestedBy: 'alice@example.com',
};

console.log(`vpcep-approval local stack
  webhook     POST ${stack.webhookUrl}
  chat-ops    POST ${stack.url}/chatops/slack, ${stack.url}/chatops/feishu (set SLACK_* / FEISHU_* to use them)
  huawei      ${stack.sim === undefined ? 'real Huawei Cloud (credentials from the environment)' : `simulator at ${stack.sim.url} (service ${DEMO.serviceId}, two pending connections)`}
  queue       ${stack.queue.url}
  topic       ${stack.topicArn}

Accept the seeded connections (queued; the outcome prints below when the worker publishes it):

curl -sS -X POST '${stack.webhookUrl}' \\
  -H 'content-type: application/json' \\
  -H 'authorization: Bearer ${stack.env.WEBHOOK_BEARER_TOKEN}' \\
  -d '${JSON.stringify(decision)}'

Add ?wait=true to the URL to execute inline and get the outcome in the answer. Ctrl-C stops.
`);

const stop = () => {
  void stack.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
