// Parameters a deployed stack cannot do without. serverless.yml reads them through this file, so
// `serverless package` and `serverless deploy` stop before building anything when one is missing or
// malformed, with the parameter's name — instead of deploying functions that run against no project,
// alarms that page no one, or (with an empty allowlist) every target an AK/SK can reach.
'use strict';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const TARGET = new RegExp(`^(vpcep:${UUID}|apig:[0-9a-fA-F]{32})$`);

const RULES = {
  // No default: a region other than the services' answers every call with an error, far from the cause.
  huaweiRegion: {
    example: 'cn-north-4',
    check: (v) =>
      /^[a-z]{2,}(?:-[a-z0-9]+)+$/.test(v)
        ? undefined
        : 'must be a Huawei Cloud region id such as cn-north-4',
  },
  huaweiProjectId: {
    example: '0504201b6c80256b2f01c0074ea4d3f8',
    check: (v) =>
      /^[0-9a-fA-F]{32}$/.test(v) ? undefined : 'must be a Huawei Cloud project ID (32 hex digits)',
  },
  alarmTopicArn: {
    example: 'arn:aws:sns:eu-west-1:123456789012:on-call',
    check: (v) =>
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(v) ? undefined : 'must be an SNS topic ARN',
  },
  watchTargets: {
    example: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88',
    check: (v) => {
      const bad = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s === '' || !TARGET.test(s));
      return bad.length === 0
        ? undefined
        : `must be a comma-separated list of vpcep:<serviceId> and apig:<instanceId> (the targets to sweep; * is not allowed); "${bad[0]}" is neither`;
    },
  },
  allowedTargets: {
    example: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88',
    check: (v) => {
      if (v === '*') return undefined;
      const bad = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s === '' || !TARGET.test(s));
      return bad.length === 0
        ? undefined
        : `must be * (every target) or a comma-separated list of vpcep:<serviceId> and apig:<instanceId>; "${bad[0]}" is neither`;
    },
  },
};

/** A message without a stack trace: osls prints it as is. */
function refusal(message) {
  const error = new Error(message);
  error.stack = undefined;
  return error;
}

/**
 * `estate`: the JSON of VPCEP_APPROVAL_ESTATE, or `ssm` when it lives under the stage's SSM path. A
 * stage with it needs neither target list, and its functions get neither variable: AWS::NoValue leaves
 * a variable out of the template, where an empty value would still be set.
 */
const NO_VALUE = { Ref: 'AWS::NoValue' };

function estateFrom(raw) {
  const value = raw == null ? '' : String(raw).trim();
  if (value === '' || value === 'ssm') return { value, problem: undefined };
  try {
    const parsed = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || typeof parsed.accounts !== 'object')
      return {
        value,
        problem: 'parameter estate must be a JSON object with "accounts" (docs/estate.md), or ssm',
      };
  } catch {
    return { value, problem: 'parameter estate must be JSON (docs/estate.md), or ssm' };
  }
  return { value, problem: undefined };
}

const ESTATE_REPLACES = ['allowedTargets', 'watchTargets'];

module.exports = async ({ resolveVariable }) => {
  const values = {};
  const problems = [];
  const estate = estateFrom(await resolveVariable('param:estate'));
  if (estate.problem !== undefined) problems.push(estate.problem);
  // The functions read the estate's JSON from the environment; `ssm` leaves it to the stage's path.
  values.estate = estate.value === '' || estate.value === 'ssm' ? NO_VALUE : estate.value;
  for (const [name, rule] of Object.entries(RULES)) {
    const raw = await resolveVariable(`param:${name}`);
    const value = raw == null ? '' : String(raw).trim();
    if (estate.value !== '' && ESTATE_REPLACES.includes(name)) {
      if (value !== '')
        problems.push(
          `parameter ${name} must not be set with estate: the estate says which targets are allowed and swept`,
        );
      values[name] = NO_VALUE;
      continue;
    }
    if (value === '') {
      problems.push(
        `parameter ${name} is required: pass --param="${name}=${rule.example}" (or set it in the stage's params)`,
      );
      continue;
    }
    const reason = rule.check(value);
    if (reason !== undefined) problems.push(`parameter ${name} ${reason}`);
    values[name] = value;
  }
  if (problems.length > 0) throw refusal(problems.join('; '));
  return values;
};

// Their names, for docs/configuration.md and `npm run setup` (osls calls the function above only).
module.exports.required = Object.keys(RULES);
module.exports.examples = Object.fromEntries(
  Object.entries(RULES).map(([name, rule]) => [name, rule.example]),
);
module.exports.check = (name, value) => RULES[name]?.check(value);
