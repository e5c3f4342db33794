/**
 * deploy/deployer-policy.json lets a deployer create, update and delete everything serverless.yml makes:
 * the resources it declares, and those osls generates for its functions and their events. (The packaging
 * test checks the same against the packaged CloudFormation template; this one needs no packaging.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allows, DEPLOYER_POLICY, uncoveredResourceTypes } from '../helpers/deployer-policy.ts';

const yml = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8');
const functionsPart = yml.slice(yml.indexOf('\nfunctions:'), yml.indexOf('\nresources:'));
const resourcesPart = yml.slice(yml.indexOf('\nresources:'));

/** What osls adds to the template for each function, each kind of event, and each invoke setting. */
const GENERATED: Readonly<Record<string, readonly string[]>> = {
  function: ['AWS::Lambda::Function', 'AWS::Lambda::Version', 'AWS::Logs::LogGroup'],
  deploymentBucket: ['AWS::S3::Bucket', 'AWS::S3::BucketPolicy'],
  httpApi: [
    'AWS::ApiGatewayV2::Api',
    'AWS::ApiGatewayV2::Integration',
    'AWS::ApiGatewayV2::Route',
    'AWS::ApiGatewayV2::Stage',
    'AWS::Lambda::Permission',
  ],
  sqs: ['AWS::Lambda::EventSourceMapping'],
  sns: ['AWS::SNS::Subscription', 'AWS::Lambda::Permission'],
  schedule: ['AWS::Events::Rule', 'AWS::Lambda::Permission'],
  // destinations and maximumRetryAttempts
  invokeConfig: ['AWS::Lambda::EventInvokeConfig'],
};

const eventKinds = [...functionsPart.matchAll(/^\s+- (\w+):\s*$/gm)].map((m) => m[1] as string);
const declaredTypes = [...resourcesPart.matchAll(/^\s+Type: (AWS::[\w:]+)\s*$/gm)].map((m) => m[1] as string);

function stackTypes(): string[] {
  const types = [...declaredTypes, ...(GENERATED.function ?? []), ...(GENERATED.deploymentBucket ?? [])];
  for (const kind of eventKinds) types.push(...(GENERATED[kind] ?? [`unknown event kind ${kind}`]));
  if (/^\s+(destinations|maximumRetryAttempts):/m.test(functionsPart))
    types.push(...(GENERATED.invokeConfig ?? []));
  // Every function's Errors and Throttles alarms come from deploy/lambda-alarms.cjs.
  if (resourcesPart.includes('deploy/lambda-alarms.cjs')) types.push('AWS::CloudWatch::Alarm');
  return [...new Set(types)].sort();
}

describe('deploy/deployer-policy.json', () => {
  it('reads the functions, events and resources serverless.yml declares', () => {
    // Guards the reading itself: a serverless.yml this test no longer understands fails here.
    expect(new Set(eventKinds)).toEqual(new Set(['httpApi', 'sqs', 'schedule', 'sns']));
    expect(declaredTypes).toContain('AWS::DynamoDB::Table');
    expect(declaredTypes).toContain('AWS::IAM::Role');
    expect(stackTypes()).not.toContainEqual(expect.stringMatching(/^unknown/));
  });

  it('allows creating, updating and deleting every resource type of the stack', () => {
    expect(uncoveredResourceTypes(DEPLOYER_POLICY, stackTypes())).toEqual([]);
  });

  it('fails a resource type it was not reviewed for, and an action it lacks', () => {
    expect(uncoveredResourceTypes(DEPLOYER_POLICY, ['AWS::RDS::DBInstance'])).toEqual([
      expect.stringMatching(/^AWS::RDS::DBInstance: not reviewed/),
    ]);
    const withoutQueues = {
      Statement: DEPLOYER_POLICY.Statement.filter((s) => ![s.Action].flat().includes('sqs:CreateQueue')),
    };
    expect(uncoveredResourceTypes(withoutQueues, ['AWS::SQS::Queue'])).toEqual([
      'AWS::SQS::Queue: the policy does not allow sqs:CreateQueue, sqs:SetQueueAttributes, sqs:DeleteQueue',
    ]);
  });

  it('lets the deployer put the stage parameters the functions read, and nothing outside /vpcep-approval/', () => {
    expect(allows(DEPLOYER_POLICY, 'ssm:PutParameter')).toBe(true);
    const ssm = DEPLOYER_POLICY.Statement.filter((s) => [s.Action].flat().includes('ssm:PutParameter'));
    expect(ssm.flatMap((s) => [s.Resource].flat())).toEqual([
      'arn:aws:ssm:*:*:parameter/vpcep-approval',
      'arn:aws:ssm:*:*:parameter/vpcep-approval/*',
    ]);
    expect(yml).toMatch(/SECRETS_SSM_PATH: \/vpcep-approval\/\$\{sls:stage\}\//);
  });

  it('is scoped to the stack: names start with vpcep-approval-, no service-wide wildcard, roles passed to Lambda only', () => {
    // The names the scoping relies on: the service name and each named resource's prefix.
    expect(yml).toMatch(/^service: vpcep-approval$/m);
    for (const [, name] of yml.matchAll(/^\s+(?:QueueName|TopicName|TableName): (.+)$/gm))
      expect(name).toMatch(/^\$\{self:service\}-\$\{sls:stage\}-/);
    for (const s of DEPLOYER_POLICY.Statement) {
      for (const action of [s.Action].flat()) expect(action).not.toMatch(/(^|:)\*$/);
      if ([s.Action].flat().includes('iam:PassRole'))
        expect(s).toMatchObject({
          Resource: 'arn:aws:iam::*:role/vpcep-approval-*',
          Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
        });
    }
  });
});
