// The alarms that page operators (the OperatorAlertsTopic of serverless.yml) when a run of either
// workflow ends badly: failed, timed out or aborted. Step Functions counts each in its own metric
// (AWS/States ExecutionsFailed, ExecutionsTimedOut, ExecutionsAborted), so one alarm per state
// machine adds the three up. An aborted drill may leave drill instances running; a timed-out or
// aborted failback may leave servers half failed back: both need a person as much as a failure.
// And the orphan sweeper's finding: drill instances nobody is going to terminate.
// serverless.yml loads it as an extra resources document: `resources: [..., ${file(deploy/alarms.cjs):Resources}]`.
'use strict';

/** Step Functions' metrics of executions that ended without succeeding, by metric math id. */
const ENDED_BADLY = { failed: 'ExecutionsFailed', timedOut: 'ExecutionsTimedOut', aborted: 'ExecutionsAborted' };
const FIVE_MINUTES = 300;

/** An alarm that goes into ALARM when one execution of `stateMachineId` fails, times out or is aborted. */
function executionsEndedBadlyAlarm(stateMachineId, runs) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: { 'Fn::Sub': `A ${runs} run of \${AWS::StackName} failed, timed out or was aborted; see its report and execution.` },
      Metrics: [
        ...Object.entries(ENDED_BADLY).map(([id, metric]) => ({
          Id: id,
          MetricStat: {
            Metric: { Namespace: 'AWS/States', MetricName: metric, Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachineId } }] },
            Period: FIVE_MINUTES,
            Stat: 'Sum',
          },
          ReturnData: false,
        })),
        // A metric with no data points in the period (nothing timed out) counts 0, not "missing".
        {
          Id: 'endedBadly',
          Label: 'Executions failed, timed out or aborted',
          Expression: Object.keys(ENDED_BADLY).map((id) => `FILL(${id}, 0)`).join(' + '),
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'OperatorAlertsTopic' }],
    },
  };
}

/**
 * The orphan sweeper found drill instances no run will terminate (or old ones the orchestrator did
 * not launch): they cost money until someone terminates them. The sweep publishes OrphansFound
 * once per run (Powertools' `service` dimension), so any point above 0 is one sweep's finding; no
 * point between sweeps is not a problem.
 */
const orphansFoundAlarm = {
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription: {
      'Fn::Sub': 'The orphan sweeper of ${AWS::StackName} found drill instances no run will terminate; they cost money until terminated. See the sweep function\'s log (or npm run aws -- sweep --dry-run).',
    },
    Namespace: 'DrsOrchestrator',
    MetricName: 'OrphansFound',
    Dimensions: [{ Name: 'service', Value: 'drs-orchestrator' }],
    Statistic: 'Maximum',
    Period: FIVE_MINUTES,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: 'OperatorAlertsTopic' }],
  },
};

const Resources = {
  RecoveryExecutionsFailedAlarm: executionsEndedBadlyAlarm('RecoveryStateMachine', 'recovery or drill'),
  FailbackExecutionsFailedAlarm: executionsEndedBadlyAlarm('FailbackStateMachine', 'failback'),
  OrphansFoundAlarm: orphansFoundAlarm,
};

module.exports = { Resources, ENDED_BADLY };
