// The Step Functions client. SFN_ENDPOINT points it at the local Step Functions service; unset, it
// talks to AWS. The trigger imports it; the steps that call Step Functions only on some paths
// (WaitForLaunch, ResumeWave, TakePlanLock, Sweep) import this module when they call it: the
// client carries an AWS SDK core of its own, about half a bare DRS client's cold start.
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import { traced } from '#shared/powertools.ts';

/** Step Functions in the home Region: the trigger's StartExecution and duplicate checks, the lock's and the sweep's DescribeExecution. */
export const sfn = traced(new SFNClient({ region: homeRegion, endpoint: optionalEnv('SFN_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));

/** Ends the Task waiting with `taskToken` (a wave's wait: shared/handoff/resume.ts). */
export async function sendTaskSuccess(taskToken: string, output: string): Promise<void> {
  await sfn.send(new SendTaskSuccessCommand({ taskToken, output }));
}
