import { LOOP_ENVIRONMENT } from './loop-config.ts';

/** What `--help` prints: the overview, one page per command (each with an example), the environment. */

const EXIT_CODES = `Exit codes:
  0  every endpoint is in the wanted state (accepted / rejected)
  1  partial, failed, in_progress, denied, superseded or expired (the outcome is still printed), status
     found no such connection, pending could not list a target, history could not read the ledger,
     whitelist could not read the whitelist, or sweep --dry-run could not read a target
  2  invalid input or configuration: a message on stderr names the field; no API call was made`;

const OUTPUT_OPTIONS = `  --output text|json  text (a table) on a terminal, JSON otherwise; this forces one
  --quiet, -q         nothing on stdout and only errors on stderr: the exit code says how it went
  --log-format text|json
                      logs on stderr: text (warnings and errors) on a terminal, JSON lines
                      otherwise; this forces one
  --help, -h          this page`;

/**
 * Every environment variable the CLI reads (lib/config.ts), as `vpcep-approval --help` lists them. A
 * test holds this list to the configuration's own, so neither can gain a variable the other lacks.
 */
export const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK', 'AK/SK credentials (both or neither)'],
  ['HUAWEICLOUD_SDK_SECURITY_TOKEN', 'security token of temporary AK/SK'],
  ['HUAWEICLOUD_AUTH_TOKEN', 'IAM token, instead of AK/SK (AK/SK wins when both are set)'],
  ['HUAWEICLOUD_SDK_PROJECT_ID', 'project for targets that name none'],
  ['HUAWEICLOUD_REGION', 'region for targets that name none, e.g. cn-north-4'],
  ['HUAWEICLOUD_VPCEP_ENDPOINT', 'VPCEP base URL (default https://vpcep.<region>.myhuaweicloud.com)'],
  ['HUAWEICLOUD_APIG_ENDPOINT', 'APIG base URL (default https://apig.<region>.myhuaweicloud.com)'],
  ['VPCEP_APPROVAL_ALLOWED_TARGETS', 'allowlist vpcep:<id>,apig:<id>; unset or * allows every target'],
  ['VPCEP_APPROVAL_ESTATE', 'accounts and regions as JSON, instead of the allowlist (docs/estate.md)'],
  ['HUAWEICLOUD_SDK_IAM_ENDPOINT', 'IAM for the estate (default https://iam.myhuaweicloud.com)'],
  ['VPCEP_APPROVAL_CONCURRENCY', 'calls in flight for one decision (16)'],
  ['VPCEP_APPROVAL_MAX_ATTEMPTS', 'attempts per call, retries included (4)'],
  ['VPCEP_APPROVAL_REQUEST_TIMEOUT_MS', 'per attempt (5000)'],
  ['VPCEP_APPROVAL_CONNECT_TIMEOUT_MS', 'TCP + TLS connect (3000)'],
  ['VPCEP_APPROVAL_DEADLINE_MS', 'budget per decision (60000)'],
  ['VPCEP_APPROVAL_BACKOFF_BASE_MS, VPCEP_APPROVAL_BACKOFF_MAX_MS', 'retry backoff (200, 5000)'],
  ['VPCEP_APPROVAL_SETTLE_TIMEOUT_MS', 'wait for accepts to settle; 0 does not wait (30000)'],
  ['VPCEP_APPROVAL_SETTLE_POLL_MS', 'poll interval while waiting (1000)'],
  [
    'VPCEP_APPROVAL_LOG_LEVEL',
    'debug, info, warn, error (info; unset on a terminal, warn); logs go to stderr',
  ],
  ['VPCEP_APPROVAL_HTTP_CLIENT', 'node (node:http/https) or undici (node)'],
];

function environmentSection(): string {
  const all = [...ENVIRONMENT, ...LOOP_ENVIRONMENT];
  const width = Math.max(...all.map(([name]) => Math.min(name.length, 34)));
  const lines = all.map(([name, meaning]) =>
    name.length > width
      ? `  ${name}\n  ${' '.repeat(width)}  ${meaning}`
      : `  ${name.padEnd(width)}  ${meaning}`,
  );
  return `Environment (read once; a bad value exits 2 naming the variable):\n${lines.join('\n')}`;
}

export const USAGE = `Usage: vpcep-approval <command> [options]

Commands:
  decide --file <path|-> [--dry-run] [--break-glass <why>]   execute a decision; prints the outcome
  validate --file <path|->             check a decision; prints it normalized
  status --target <vpcep:<serviceId>|apig:<instanceId>> [--endpoint <id>]
                                       list connections and their status
  pending [--target <key>]             pending connections and what the rules would do
  history --target <key> [--endpoint <id>]
                                       decisions applied, from the ledger (LEDGER_TABLE_NAME)
  whitelist <key>                      the accounts on a target's whitelist, marked by the rules
  sweep --dry-run [--rules <file>] [--target <key>]
                                       what one sweep would do with these rules; does none of it

Options:
${OUTPUT_OPTIONS}
  --version, -V       the version

\`vpcep-approval <command> --help\` shows a command's options and an example.

${EXIT_CODES}

${environmentSection()}
`;

const COMMANDS: Record<string, string> = {
  decide: `Usage: vpcep-approval decide --file <path|-> [--dry-run] [--break-glass <why>] [--output text|json] [--quiet]

Executes a decision: reads the connections' current status, accepts or rejects only where something
must change (a repeated decision changes nothing), and prints the outcome.

Options:
  --file <path|->     the decision JSON; - reads stdin
  --dry-run           plan and read the status only; no action call (CHANGED says what a run would do)
  --break-glass <why> act without the approvals the rules ask for (never against autoReject); needs
                      LEDGER_TABLE_NAME and OUTCOME_TOPIC_ARN: recorded, and published as break_glass
${OUTPUT_OPTIONS}

Example:
  vpcep-approval decide --file examples/vpcep-accept.json
  vpcep-approval decide --file - --dry-run < examples/apig-accept.json

${EXIT_CODES}
`,
  validate: `Usage: vpcep-approval validate --file <path|-> [--output text|json] [--quiet]

Checks a decision against the schema without calling any API; prints it normalized (as JSON), or each
field at fault on stderr (exit 2).

Options:
  --file <path|->     the decision JSON; - reads stdin
${OUTPUT_OPTIONS}

Example:
  vpcep-approval validate --file examples/vpcep-reject.json

${EXIT_CODES}
`,
  status: `Usage: vpcep-approval status --target <vpcep:<serviceId>|apig:<instanceId>> [--endpoint <id>]
                             [--output text|json] [--quiet]

Lists a target's endpoint connections and their status (read only). With --endpoint, the one
connection; when the target has no such connection, says so and exits 1.

Options:
  --target <key>      vpcep:<serviceId> or apig:<instanceId>; project and region from the environment
  --endpoint <id>     one endpoint connection (a UUID)
${OUTPUT_OPTIONS}

Example:
  vpcep-approval status --target vpcep:4189d3c2-8882-4871-a3c2-d380272eed88
  vpcep-approval status --target apig:eddc4d25480b4cd6b512f270a1b8b341 --endpoint c3e1d2b4-7a6f-4e58-9b0c-1d2e3f4a5b6c

${EXIT_CODES}
`,
  pending: `Usage: vpcep-approval pending [--target <vpcep:<serviceId>|apig:<instanceId>>]
                              [--output text|json] [--quiet]

Lists the connections waiting for acceptance (status pendingAcceptance), with the consumer's account,
since when, and what the rules (VPCEP_APPROVAL_RULES) would do: accept, reject or ask people, by which
rule and why. Read only: nothing is decided. Without --target, every target the rules or
VPCEP_APPROVAL_ALLOWED_TARGETS name.

Options:
  --target <key>      vpcep:<serviceId> or apig:<instanceId>; project and region from the environment
${OUTPUT_OPTIONS}

Example:
  vpcep-approval pending --target vpcep:4189d3c2-8882-4871-a3c2-d380272eed88

${EXIT_CODES}
`,
  history: `Usage: vpcep-approval history --target <vpcep:<serviceId>|apig:<instanceId>> [--endpoint <id>]
                              [--output text|json] [--quiet]

Lists the decisions applied on a target (or one connection), oldest first, from the ledger table
named by LEDGER_TABLE_NAME: when decided, the action, the connection's status after it, the decision
id, who asked, who decided, and the source. Without LEDGER_TABLE_NAME it exits 2 naming it. The
table is reached as the AWS SDK does (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID...), or at
AWS_ENDPOINT_URL_DYNAMODB (an endpoint on this machine, such as npm start's, needs neither region nor
keys); when it cannot be read, it says what it tried and exits 1.

Options:
  --target <key>      vpcep:<serviceId> or apig:<instanceId>
  --endpoint <id>     one endpoint connection (a UUID)
${OUTPUT_OPTIONS}

Example:
  LEDGER_TABLE_NAME=vpcep-approval-ledger AWS_REGION=eu-west-1 vpcep-approval history \\
    --target vpcep:4189d3c2-8882-4871-a3c2-d380272eed88 --endpoint c3e1d2b4-7a6f-4e58-9b0c-1d2e3f4a5b6c

${EXIT_CODES}
`,
  whitelist: `Usage: vpcep-approval whitelist <vpcep:<serviceId>|apig:<instanceId>> [--output text|json] [--quiet]

Lists the accounts on a target's whitelist (who may create endpoints on it at all), each marked with what
the rules (VPCEP_APPROVAL_RULES) say of it: trusted (autoAccept) or refused (autoReject); and the trusted
accounts missing from it, which manageWhitelist would add. Read only.

Options:
${OUTPUT_OPTIONS}

Example:
  vpcep-approval whitelist vpcep:4189d3c2-8882-4871-a3c2-d380272eed88

${EXIT_CODES}
`,
  sweep: `Usage: vpcep-approval sweep --dry-run [--rules <file>] [--estate <file>] [--target <key>] [--output text|json] [--quiet]

Plans one sweep and does none of it: the connections it would accept, reject or ask about, accepted ones
it would reconcile or report, whitelist entries it would add or remove, drift it would report. Targets:
--target, else with an estate the targets it sweeps, else VPCEP_APPROVAL_WATCH_TARGETS, else those the rules or
the allowlist name. With
LEDGER_TABLE_NAME the ledger is read (never written); without it every target is a first sweep.

Options:
  --dry-run           required: the sweep itself runs in the sweeper function
  --rules <file>      a rules document to plan with, instead of VPCEP_APPROVAL_RULES
  --estate <file>     an estate to plan over (its accounts, regions and discovered targets), instead of
                      VPCEP_APPROVAL_ESTATE
  --target <key>      one target
${OUTPUT_OPTIONS}

Example:
  vpcep-approval sweep --dry-run --rules rules.next.json

${EXIT_CODES}
`,
};

/** A command's page, or the overview for anything else. */
export function helpFor(command: string | undefined): string {
  return (command === undefined ? undefined : COMMANDS[command]) ?? USAGE;
}

/**
 * What an argument error shows under its one line: the command's usage (its page up to the first blank
 * line) and where the rest is; for no command or an unknown one, the list of commands.
 */
export function usageFor(command: string | undefined): string {
  const page = command === undefined ? undefined : COMMANDS[command];
  if (page === undefined)
    return `Usage: vpcep-approval <command> [options]\nCommands: ${Object.keys(COMMANDS).join(', ')}\n'vpcep-approval --help' shows them all.\n`;
  return `${page.slice(0, page.indexOf('\n\n'))}\n'vpcep-approval ${command} --help' shows its options and an example.\n`;
}
