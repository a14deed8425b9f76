// DRS's "Source Server Launch Result" event, which resumes a wave waiting for its launch. DRS sends
// it by itself to the default bus of the account where the server launched, best effort (the
// EventBridge events reference for DRS,
// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-drs.html); its detail, as the DRS
// user guide's "Monitoring with EventBridge" documents it: the launch's `state`, the `job-id`,
// `is-drill`, and the source server's ARN in `resources`. Lost or repeated, it costs only latency:
// the wave's wait times out into a poll (statemachines/recovery.asl.yaml, WaitForLaunch).
import * as z from 'zod/mini';
import { EventBridgeEnvelope } from './envelope.ts';

export const LAUNCH_RESULT = { source: 'aws.drs', detailType: 'DRS Source Server Launch Result' } as const;

/** The rule that sends the launch results to the function resuming waves (deploy/serverless.cjs, and the local runner's routing). */
export const LAUNCH_RESULT_PATTERN = { source: [LAUNCH_RESULT.source], 'detail-type': [LAUNCH_RESULT.detailType] };

export const LaunchResultEvent = z.extend(EventBridgeEnvelope, {
  source: z.literal(LAUNCH_RESULT.source),
  'detail-type': z.literal(LAUNCH_RESULT.detailType),
  resources: z.array(z.string().check(z.regex(/:source-server\/s-[0-9a-zA-Z]{17}$/, 'a source server ARN'))).check(z.minLength(1)),
  detail: z.object({
    state: z.enum(['RECOVERY_LAUNCH_SUCCEEDED', 'RECOVERY_LAUNCH_FAILED']),
    'job-id': z.string().check(z.regex(/^drsjob-[0-9a-zA-Z]{17}$/, 'a DRS job ID')),
    'is-drill': z.enum(['TRUE', 'FALSE']),
  }),
});
export type LaunchResultEvent = z.infer<typeof LaunchResultEvent>;

/** What the event says: which server of which job ended its launch, and how. */
export function launchResultOf(event: LaunchResultEvent): { jobID: string; sourceServerID: string; launched: boolean } {
  const arn = event.resources[0]!;
  return { jobID: event.detail['job-id'], sourceServerID: arn.slice(arn.lastIndexOf('/') + 1), launched: event.detail.state === 'RECOVERY_LAUNCH_SUCCEEDED' };
}
