// The events DRS sends to EventBridge by itself, as the EventBridge events reference lists them
// (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-drs.html: "DRS Source Server
// Launch Result" among others, source `aws.drs`, delivery best effort) with the detail the DRS
// user guide's "Monitoring with EventBridge" documents: `state`, `job-id`, `is-drill`, the
// source server's ARN in `resources`. The local service sends only the launch result; the other
// kinds (replication stalled, PIT snapshot taken, failback state) are not simulated.
//
// It also sends what Systems Manager would send when a post-launch action run that DRS started
// ends (shared/events/ssm-run-end.ts): the simulated runs stand for SSM executions, whose ID is
// the run's ID.
import { randomUUID } from 'node:crypto';

/** An event as EventBridge delivers it to a rule's target. */
export interface DrsServiceEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.drs' | 'aws.ssm';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export const LAUNCH_RESULT_DETAIL_TYPE = 'DRS Source Server Launch Result';

/** A recovery or drill launch of one source server ended: it LAUNCHED or FAILED. */
export function launchResultEvent(launch: {
  accountId: string;
  region: string;
  sourceServerArn: string;
  jobID: string;
  isDrill: boolean;
  launched: boolean;
  atMs: number;
}): DrsServiceEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': LAUNCH_RESULT_DETAIL_TYPE,
    source: 'aws.drs',
    account: launch.accountId,
    time: eventTime(launch.atMs),
    region: launch.region,
    resources: [launch.sourceServerArn],
    detail: {
      state: launch.launched ? 'RECOVERY_LAUNCH_SUCCEEDED' : 'RECOVERY_LAUNCH_FAILED',
      'job-id': launch.jobID,
      'is-drill': launch.isDrill ? 'TRUE' : 'FALSE',
    },
  };
}

const AUTOMATION_EXECUTION_STATUS_CHANGE = 'EC2 Automation Execution Status-change Notification';
const COMMAND_STATUS_CHANGE = 'EC2 Command Status-change Notification';

/** EventBridge times have whole seconds. */
const eventTime = (atMs: number) => new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A post-launch action run ended: SSM's status change of the automation execution or command it is. */
export function actionRunEndEvent(run: {
  accountId: string;
  region: string;
  runId: string;
  type: 'SSM_AUTOMATION' | 'SSM_COMMAND';
  documentName: string;
  succeeded: boolean;
  atMs: number;
}): DrsServiceEvent {
  const time = eventTime(run.atMs);
  const automation = run.type === 'SSM_AUTOMATION';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': automation ? AUTOMATION_EXECUTION_STATUS_CHANGE : COMMAND_STATUS_CHANGE,
    source: 'aws.ssm',
    account: run.accountId,
    time,
    region: run.region,
    resources: automation ? [`arn:aws:ssm:${run.region}:${run.accountId}:automation-execution/${run.runId}`, `arn:aws:ssm:${run.region}:${run.accountId}:automation-definition/${run.documentName}:1`] : [],
    detail: automation
      ? { ExecutionId: run.runId, Definition: run.documentName, DefinitionVersion: 1.0, Status: run.succeeded ? 'Success' : 'Failed', EndTime: time, Time: 0 }
      : { 'command-id': run.runId, 'document-name': run.documentName, 'requested-date-time': time, status: run.succeeded ? 'Success' : 'Failed' },
  };
}
