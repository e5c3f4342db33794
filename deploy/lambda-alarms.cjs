// CloudWatch alarms on every function's Errors (a handler that threw, a timeout, a crash) and Throttles
// (concurrency exhausted), sent to the alarmTopicArn parameter. serverless.yml picks each alarm by its
// logical ID, so the template lists them by name; they are built here so they stay alike.
'use strict';

const METRICS = {
  Errors: 'failed (threw, timed out or crashed)',
  Throttles: 'was throttled (no concurrency left)',
};

module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const topic = await resolveVariable('param:alarmTopicArn');
  // Every function serverless.yml declares, by the logical ID osls gives it (<Name>LambdaFunction), so
  // a function added later is covered without touching this file.
  const functions = Object.keys((await resolveConfigurationProperty(['functions'])) ?? {});
  const alarms = {};
  for (const name of functions.map((f) => f.charAt(0).toUpperCase() + f.slice(1))) {
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
