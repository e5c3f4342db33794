// CloudWatch alarms on every function's Errors (a handler that threw, a timeout, a crash) and Throttles
// (concurrency exhausted), sent to the alarmTopicArn parameter. serverless.yml picks each alarm by its
// logical ID, so the template lists them by name; they are built here so they stay alike.
'use strict';

/** The functions of serverless.yml, by the logical ID osls gives them (<Name>LambdaFunction). */
const FUNCTIONS = [
  'DecisionWebhook',
  'DecisionWorker',
  'ChatopsSlack',
  'ChatopsFeishu',
  'OutcomeNotifier',
  'TicketNotifier',
];

const METRICS = {
  Errors: 'failed (threw, timed out or crashed)',
  Throttles: 'was throttled (no concurrency left)',
};

module.exports = async ({ resolveVariable }) => {
  const topic = await resolveVariable('param:alarmTopicArn');
  const alarms = {};
  for (const name of FUNCTIONS) {
    for (const [metric, what] of Object.entries(METRICS)) {
      alarms[`${name}${metric}Alarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: `An invocation of ${name} ${what} in the last 5 minutes`,
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${name}LambdaFunction` } }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [topic],
        },
      };
    }
  }
  return alarms;
};
