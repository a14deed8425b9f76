// The end of a post-launch action run, as Systems Manager tells EventBridge. DRS sends no event
// for its post-launch actions (only for launches); it runs each action as an SSM Automation
// execution or a Run Command command, and SSM sends their status changes to the default bus of
// the account they run in, best effort ("Amazon EventBridge event examples for Systems Manager",
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html):
// "EC2 Automation Execution Status-change Notification" (detail `ExecutionId`, `Status`) and
// "EC2 Command Status-change Notification" (detail `command-id`, `status`).
//
// The run's ID in DescribeJobs (`launchActionsStatus.runs[].runId`) has the pattern of both IDs,
// but no AWS document says it is the same ID: a wave waits for these events by run ID, and if
// they never match, each wait only lasts its fallback, the poll interval a wave used before.
import * as z from 'zod/mini';
import { EventBridgeEnvelope } from './envelope.ts';

export const AUTOMATION_EXECUTION_STATUS_CHANGE = 'EC2 Automation Execution Status-change Notification';
export const COMMAND_STATUS_CHANGE = 'EC2 Command Status-change Notification';

/** Automation statuses after which the execution does nothing more (SSM's AutomationExecutionStatus). */
export const AUTOMATION_ENDED = ['Success', 'Failed', 'TimedOut', 'Cancelled', 'Rejected', 'CompletedWithSuccess', 'CompletedWithFailure', 'Exited'] as const;
/** Command statuses after which the command does nothing more (SSM's CommandStatus). */
export const COMMAND_ENDED = ['Success', 'Failed', 'TimedOut', 'Cancelled'] as const;

/** The rules that send the ends of runs to the function resuming waves (deploy/serverless.cjs, and the local runner's routing). */
export const RUN_END_PATTERNS = {
  automation: { source: ['aws.ssm'], 'detail-type': [AUTOMATION_EXECUTION_STATUS_CHANGE], detail: { Status: [...AUTOMATION_ENDED] } },
  command: { source: ['aws.ssm'], 'detail-type': [COMMAND_STATUS_CHANGE], detail: { status: [...COMMAND_ENDED] } },
} as const;

const RunID = z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a run ID (a UUID)'));

export const RunEndEvent = z.union([
  z.extend(EventBridgeEnvelope, {
    source: z.literal('aws.ssm'),
    'detail-type': z.literal(AUTOMATION_EXECUTION_STATUS_CHANGE),
    detail: z.object({ ExecutionId: RunID, Status: z.enum(AUTOMATION_ENDED) }),
  }),
  z.extend(EventBridgeEnvelope, {
    source: z.literal('aws.ssm'),
    'detail-type': z.literal(COMMAND_STATUS_CHANGE),
    detail: z.object({ 'command-id': RunID, status: z.enum(COMMAND_ENDED) }),
  }),
]);
export type RunEndEvent = z.infer<typeof RunEndEvent>;

/** The ID of the run that ended. */
export function runIdOf(event: RunEndEvent): string {
  return 'ExecutionId' in event.detail ? event.detail.ExecutionId : event.detail['command-id'];
}
