// The events DRS sends to EventBridge by itself, as the EventBridge events reference lists them
// (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-drs.html: "DRS Source Server
// Launch Result" among others, source `aws.drs`, delivery best effort) with the detail the DRS
// user guide's "Monitoring with EventBridge" documents: `state`, `job-id`, `is-drill`, the
// source server's ARN in `resources`. The local service sends only the launch result; the other
// kinds (replication stalled, PIT snapshot taken, failback state) are not simulated.
import { randomUUID } from 'node:crypto';

/** An event as EventBridge delivers it to a rule's target. */
export interface DrsServiceEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.drs';
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
    // EventBridge times have whole seconds.
    time: new Date(launch.atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: launch.region,
    resources: [launch.sourceServerArn],
    detail: {
      state: launch.launched ? 'RECOVERY_LAUNCH_SUCCEEDED' : 'RECOVERY_LAUNCH_FAILED',
      'job-id': launch.jobID,
      'is-drill': launch.isDrill ? 'TRUE' : 'FALSE',
    },
  };
}
