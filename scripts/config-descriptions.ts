/**
 * What each variable and deploy parameter means, in a line: the one part of docs/configuration.md the
 * schemas cannot say. Names, readers, defaults and secrecy come from the code (scripts/config-catalog.ts);
 * a test fails when a variable or parameter has no line here, or a line names one that no longer exists.
 */

export const VARIABLE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  // Every function (lib/secrets.ts).
  SECRETS_SSM_PATH:
    'deployed: the SSM path (`/vpcep-approval/<stage>/`) under which the function reads its own parameters, laid over the environment',
  POWERTOOLS_PARAMETERS_MAX_AGE:
    'seconds an SSM value is used before it is read again (default 300), so a rotated secret is picked up without a redeploy',
  // Huawei Cloud.
  HUAWEICLOUD_SDK_AK: 'the Huawei Cloud access key (with `HUAWEICLOUD_SDK_SK`; both or neither)',
  HUAWEICLOUD_SDK_SK: 'the Huawei Cloud secret key (with `HUAWEICLOUD_SDK_AK`)',
  HUAWEICLOUD_SDK_SECURITY_TOKEN: 'the security token of a temporary AK/SK',
  HUAWEICLOUD_AUTH_TOKEN: 'an IAM token (token mode); AK/SK wins when both are set',
  HUAWEICLOUD_SDK_PROJECT_ID: 'the project (32 hex digits) for decisions whose target names none',
  HUAWEICLOUD_REGION: 'the region for decisions whose target names none, e.g. `cn-north-4`',
  HUAWEICLOUD_VPCEP_ENDPOINT: 'a full base URL instead of `https://vpcep.<region>.myhuaweicloud.com`',
  HUAWEICLOUD_APIG_ENDPOINT: 'a full base URL instead of `https://apig.<region>.myhuaweicloud.com`',
  // How calls are made.
  VPCEP_APPROVAL_CONCURRENCY:
    'most calls in flight for one decision, and per API host in one container (1 to 64)',
  VPCEP_APPROVAL_MAX_ATTEMPTS: 'attempts per call on transient failures (1 to 10)',
  VPCEP_APPROVAL_REQUEST_TIMEOUT_MS: 'milliseconds per attempt',
  VPCEP_APPROVAL_CONNECT_TIMEOUT_MS: 'milliseconds for TCP and TLS to connect',
  VPCEP_APPROVAL_DEADLINE_MS: 'overall budget per decision (in Lambda also bounded by the time left)',
  VPCEP_APPROVAL_BACKOFF_BASE_MS: 'how the backoff ceiling starts',
  VPCEP_APPROVAL_BACKOFF_MAX_MS: 'the backoff cap (not below the base)',
  VPCEP_APPROVAL_SETTLE_TIMEOUT_MS:
    'how long to wait for `creating` to settle after an accept; 0 does not wait',
  VPCEP_APPROVAL_SETTLE_POLL_MS: 'poll interval while waiting for a connection to settle',
  VPCEP_APPROVAL_HTTP_CLIENT: '`undici` or `node` (node:http/https): the HTTP stack that calls Huawei Cloud',
  VPCEP_APPROVAL_ALLOWED_TARGETS:
    'the targets that may be changed: `vpcep:<serviceId>,apig:<instanceId>,…`, or `*` for every one',
  VPCEP_APPROVAL_LOG_LEVEL:
    '`debug`, `info`, `warn` or `error`; unset leaves it to `POWERTOOLS_LOG_LEVEL` and Lambda’s setting',
  // The stack's resources.
  DECISION_QUEUE_URL: 'the FIFO decision queue',
  OUTCOME_TOPIC_ARN: 'the outcome topic',
  LEDGER_TABLE_NAME: 'the ledger’s DynamoDB table',
  DECISION_MAX_RECEIVE_COUNT:
    'the queue’s redrive `maxReceiveCount`: the receive on which a failure is final',
  // The approval loop.
  VPCEP_APPROVAL_DESCRIBE: '`false` stops writing who decided into VPCEP connection descriptions',
  VPCEP_APPROVAL_MAX_DECISION_AGE_MS: 'a decision decided longer ago is `expired` (default a day)',
  VPCEP_APPROVAL_RULES:
    'the rules document (JSON, docs/approval-loop.md); unset asks people about everything',
  VPCEP_APPROVAL_WATCH_TARGETS: 'the targets the sweeper reads: a list, `*` refused, each allowed',
  VPCEP_APPROVAL_REMIND_AFTER_HOURS: 'hours before people are reminded of a request still pending (1 to 720)',
  // Ticket webhooks.
  WEBHOOK_SIGNING_SECRET: 'Standard Webhooks signing secret(s), `whsec_…`',
  WEBHOOK_SIGNING_SECRET_PREVIOUS: 'the previous signing secret, accepted while rotating',
  WEBHOOK_HUB_SECRET: 'the `X-Hub-Signature-256` HMAC secret',
  WEBHOOK_HUB_SECRET_PREVIOUS: 'the previous hub secret, accepted while rotating',
  WEBHOOK_BEARER_TOKEN: 'a bearer token (at least 32 characters), e.g. for Jira automation',
  WEBHOOK_BEARER_TOKEN_PREVIOUS: 'the previous bearer token, accepted while rotating',
  // Chat.
  CHATOPS_SOURCE_SIGNING_KEY:
    'signs the chat reference in a decision’s source; shared by the chat functions and the notifier',
  SLACK_SIGNING_SECRET: 'the Slack app’s signing secret',
  SLACK_ALLOWED_USERS: 'Slack user IDs who may decide (comma-separated)',
  SLACK_BOT_TOKEN: 'the bot token (`xoxb-…`) the sweeper posts approval requests with',
  SLACK_APPROVAL_CHANNEL: 'the Slack channel ID (`C…`) approval requests go to',
  SLACK_API_BASE: 'Slack’s Web API (another base only for tests: the bot token is sent there)',
  SLACK_RESPONSE_URL_PREFIX: 'where Slack response URLs may point (tests point it at a local server)',
  FEISHU_APP_ID: 'the Feishu/Lark app’s ID',
  FEISHU_APP_SECRET: 'the Feishu/Lark app’s secret',
  FEISHU_DOMAIN: '`feishu` (open.feishu.cn) or `lark` (open.larksuite.com)',
  FEISHU_API_BASE: 'a full Open API base URL instead of the domain’s (tests, private deployments)',
  FEISHU_ENCRYPT_KEY: 'the app’s event encrypt key',
  FEISHU_VERIFICATION_TOKEN: 'the app’s event verification token',
  FEISHU_ALLOWED_USERS: 'Feishu/Lark open IDs who may decide (comma-separated)',
  FEISHU_APPROVAL_CHAT_ID: 'the Feishu/Lark group chat (`oc_…`) approval requests go to',
  // Tickets.
  JIRA_BASE_URL: 'the Jira site (https); unset leaves Jira off',
  JIRA_EMAIL: 'the Jira Cloud account (with `JIRA_API_TOKEN`)',
  JIRA_API_TOKEN: 'the Jira Cloud API token',
  JIRA_PAT: 'a Jira Data Center personal access token (instead of email and API token)',
  JIRA_TRANSITION_ON_SUCCEEDED: 'the transition id applied when a decision succeeded',
  JIRA_TRANSITION_ON_FAILED: 'the transition id applied when a decision failed',
  JIRA_APPROVAL_PROJECT: 'the project key (e.g. `NET`) the sweeper opens approval issues in',
  JIRA_APPROVAL_ISSUE_TYPE: 'the issue type of those approval issues (e.g. `Task`)',
  SERVICENOW_INSTANCE_URL: 'the ServiceNow instance (https); unset leaves ServiceNow off',
  SERVICENOW_USERNAME: 'basic auth user (with `SERVICENOW_PASSWORD`)',
  SERVICENOW_PASSWORD: 'basic auth password',
  SERVICENOW_CLIENT_ID: 'OAuth client id (with `SERVICENOW_CLIENT_SECRET`)',
  SERVICENOW_CLIENT_SECRET: 'OAuth client secret',
  HUAWEICLOUD_SDK_IAM_ENDPOINT:
    'the IAM endpoint for agency keys and the projects lookup (default `https://iam.myhuaweicloud.com`; docs/estate.md)',
  VPCEP_APPROVAL_ESTATE:
    'the accounts, regions and targets the functions govern (JSON; docs/estate.md); refused beside the target lists',
  HUAWEICLOUD_SDK_DOMAIN_ID:
    "the functions' own account (`domain_id`): the owner exclusiveWhitelist never removes",
  VPCEP_APPROVAL_MAX_REQUESTS_PER_SWEEP:
    'new approval requests raised one by one per target and sweep (default 20); the rest go in one digest',
  DINGTALK_APP_KEY: "the DingTalk app's AppKey (its client id; the secret is `DINGTALK_APP_SECRET`)",
  DINGTALK_APP_SECRET:
    "the DingTalk app's AppSecret: the access token, and the robot's typed-command signature",
  DINGTALK_API_BASE:
    "where DingTalk's API is reached (default `https://api.dingtalk.com`; https, or http to loopback)",
  DINGTALK_SESSION_WEBHOOK_PREFIX:
    "the only prefix a typed command's sessionWebhook may have, for the answer",
  DINGTALK_CARD_API_SECRET:
    'verifies card button callbacks (required by the DingTalk function: without it the route answers 503)',
  DINGTALK_ALLOWED_USERS: 'DingTalk userIds who may decide (as `SLACK_ALLOWED_USERS`); unset allows no one',
  DINGTALK_APPROVAL_CONVERSATION_ID: 'the group approval cards go to (`cid\u2026`)',
  DINGTALK_ROBOT_CODE: 'the robot that delivers approval cards',
  DINGTALK_CARD_TEMPLATE_ID: 'the interactive card template of approval requests',
  DINGTALK_CALLBACK_ROUTE_KEY: "the card callback route registered for the cards' buttons",
  WECOM_CORP_ID: 'the WeCom corp id (checked as the receive id of every event)',
  WECOM_CORP_SECRET: "the WeCom app's secret: the access token",
  WECOM_AGENT_ID: 'the WeCom app whose template cards go 1:1 to each approver',
  WECOM_API_BASE:
    "where WeCom's API is reached (default `https://qyapi.weixin.qq.com`; https, or http to loopback)",
  WECOM_TOKEN: 'the WeCom callback Token: msg_signature of URL verification and events',
  WECOM_ENCODING_AES_KEY: 'the WeCom callback EncodingAESKey: decrypts events',
  WECOM_ALLOWED_USERS: 'WeCom userids who may decide (as `SLACK_ALLOWED_USERS`); unset allows no one',
  WECOM_APPROVAL_CHAT_ID: 'an app-created group that gets a markdown notice of each request',
  JIRA_PROJECTS: 'the only Jira projects whose issues get outcomes (`OPS,NET`); default the approval project',
  JIRA_APPROVAL_TRANSITION_ON_ACCEPTED:
    'the transition the approval issue takes when its connection is accepted anywhere',
  JIRA_APPROVAL_TRANSITION_ON_REJECTED:
    'the transition the approval issue takes when its connection is rejected anywhere',
};

export const PARAMETER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  huaweiRegion:
    'the Huawei Cloud region for targets that name none (no default: a wrong region fails every call)',
  huaweiProjectId: 'the Huawei Cloud project (32 hex digits) for targets that name none',
  allowedTargets: '`vpcep:<serviceId>,apig:<instanceId>,…`, or `*` to allow every target',
  alarmTopicArn: 'the SNS topic every alarm notifies (your on-call)',
  watchTargets: 'the targets the sweeper reads (a list; `*` refused)',
  maxReceiveCount: 'receives of a decision before it goes to the dead-letter queue',
  workerMaxConcurrency:
    'most worker containers SQS runs at once; each has its own rate governor per Huawei API host',
  visibilityTimeout: 'seconds a received decision stays invisible (at least the worker’s 120 s timeout)',
  httpApiRateLimit: 'the HTTP API’s steady requests per second, all routes together',
  httpApiBurstLimit: 'the HTTP API’s burst, all routes together',
  outcomeTopicKmsKey: 'the outcome topic’s KMS key: a customer managed key when other accounts subscribe',
  sweepSchedule: 'how often the sweeper runs (an EventBridge rate or cron expression)',
  approvalRules: 'the rules document (JSON); or put it in SSM as `VPCEP_APPROVAL_RULES`',
  remindAfterHours: 'hours before people are reminded of a request still pending',
  slackApprovalChannel: 'the Slack channel approval requests go to (with `SLACK_BOT_TOKEN` in SSM)',
  feishuApprovalChatId: 'the Feishu/Lark chat approval requests go to (with the app’s credentials in SSM)',
  jiraBaseUrl: 'the Jira site outcomes are written back to; empty leaves Jira off',
  jiraEmail: 'the Jira Cloud account (its token in SSM)',
  jiraTransitionOnSucceeded: 'the transition applied when a decision succeeded',
  jiraTransitionOnFailed: 'the transition applied when a decision failed',
  jiraApprovalProject: 'the project the sweeper opens approval issues in',
  jiraApprovalIssueType: 'the issue type of those approval issues',
  serviceNowInstanceUrl: 'the ServiceNow instance outcomes are written back to; empty leaves it off',
  serviceNowUsername: 'the ServiceNow user (its password in SSM)',
  serviceNowClientId: 'the ServiceNow OAuth client (its secret in SSM)',
  estate:
    'the accounts and regions (JSON, or `ssm`); with it neither allowedTargets nor watchTargets (docs/estate.md)',
  oldestPendingAlarmHours: 'the alarm when a connection request has waited this long (default 48)',
  maxRequestsPerSweep: 'new approval requests raised one by one per target and sweep (default 20)',
  dingtalkAppKey: '`DINGTALK_APP_KEY`',
  dingtalkRobotCode: '`DINGTALK_ROBOT_CODE`',
  dingtalkCardTemplateId: '`DINGTALK_CARD_TEMPLATE_ID`',
  dingtalkApprovalConversationId: '`DINGTALK_APPROVAL_CONVERSATION_ID`',
  wecomCorpId: '`WECOM_CORP_ID`',
  wecomAgentId: '`WECOM_AGENT_ID`',
  wecomApprovalChatId: '`WECOM_APPROVAL_CHAT_ID`',
  jiraApprovalTransitionOnAccepted: '`JIRA_APPROVAL_TRANSITION_ON_ACCEPTED`',
  jiraApprovalTransitionOnRejected: '`JIRA_APPROVAL_TRANSITION_ON_REJECTED`',
  jiraProjects: '`JIRA_PROJECTS`',
};
