// The stack's CloudWatch dashboard (decisions by status, pending connections and the oldest one's age per
// target, drift, throttles, errors and dead letters) and the alarm on a request left waiting longer than
// the oldestPendingAlarmHours parameter (default 48). serverless.yml picks each by its logical ID.
// Built here rather than in YAML: the threshold is hours × 3600, and the dashboard body is JSON.
'use strict';

const NAMESPACE = 'VpcepApproval';
const PERIOD = 300;

/** A graph of every series a CloudWatch SEARCH finds. */
function search(title, query, stat, x, y) {
  return {
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: {
      title,
      view: 'timeSeries',
      region: '__REGION__',
      period: PERIOD,
      metrics: [[{ expression: `SEARCH('${query}', '${stat}', ${PERIOD})`, id: 'e1', label: '' }]],
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const topic = await resolveVariable('param:alarmTopicArn');
  const hours = Number(await resolveVariable('param:oldestPendingAlarmHours'));
  if (!Number.isFinite(hours) || hours <= 0)
    throw new Error('parameter oldestPendingAlarmHours must be a number of hours above 0');
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const prefix = `${service}-${stage}-`;
  const widgets = [
    search('Decisions by status', `{${NAMESPACE},service,status} MetricName="Decisions"`, 'Sum', 0, 0),
    search(
      'Pending connections per target',
      `{${NAMESPACE},service,target} MetricName="PendingConnections"`,
      'Maximum',
      12,
      0,
    ),
    search(
      'Oldest pending request, seconds, per target',
      `{${NAMESPACE},service,target} MetricName="OldestPendingAgeSeconds"`,
      'Maximum',
      0,
      6,
    ),
    search(
      'Drift (changes made outside the tool)',
      `{${NAMESPACE},service,target} MetricName="Drift"`,
      'Sum',
      12,
      6,
    ),
    search(
      'Huawei Cloud throttles by operation',
      `{${NAMESPACE},service,op} MetricName="ApiThrottled"`,
      'Sum',
      0,
      12,
    ),
    search(
      'Function errors',
      `{AWS/Lambda,FunctionName} MetricName="Errors" FunctionName="${prefix}"`,
      'Sum',
      12,
      12,
    ),
    search(
      'Dead letters',
      `{AWS/SQS,QueueName} MetricName="ApproximateNumberOfMessagesVisible" QueueName="${prefix}decisions-dlq"`,
      'Maximum',
      0,
      18,
    ),
  ];
  const body = JSON.stringify({ widgets });
  const regionParts = body.split('"__REGION__"');
  const pieces = [];
  regionParts.forEach((part, i) => {
    pieces.push(part);
    if (i < regionParts.length - 1) pieces.push('"', { Ref: 'AWS::Region' }, '"');
  });
  return {
    ApprovalDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: `${prefix}approval`,
        DashboardBody: { 'Fn::Join': ['', pieces] },
      },
    },
    OldestPendingAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `A connection request has waited for a decision longer than ${hours} hours`,
        Namespace: NAMESPACE,
        // Recorded by each sweep without a target dimension too: the maximum over every target.
        MetricName: 'OldestPendingAgeSeconds',
        Dimensions: [{ Name: 'service', Value: 'approval-sweeper' }],
        Statistic: 'Maximum',
        Period: PERIOD,
        EvaluationPeriods: 1,
        Threshold: hours * 3600,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      },
    },
  };
};
