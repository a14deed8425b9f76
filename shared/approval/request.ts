// An approval gate's request: what is stored for the approver's commands to find, and the message
// the operators get (SNS, the progress event): the plan, the wave, why, until when, and the exact
// commands and console link to decide.
import type { PendingApproval } from '#shared/lock/approval-tokens.ts';
import type { Run } from '#shared/recovery/state.ts';
import type { WaveFront } from '#shared/recovery/front.ts';

/** The error a rejection fails the gate with (SendTaskFailure): what the workflow's Catch matches. */
export const APPROVAL_REJECTED = 'ApprovalRejected';
/** The error a gate that got no decision in time ends the run with. */
export const APPROVAL_TIMED_OUT = 'ApprovalTimedOutError';

export interface ApprovalRequest {
  pending: PendingApproval;
  approveCommand: string;
  rejectCommand: string;
  consoleUrl: string;
  subject: string;
  message: string;
}

/** `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/<arn>` */
export function consoleUrlOf(executionArn: string): string {
  const region = /^arn:[^:]+:states:([^:]+):/.exec(executionArn)?.[1] ?? 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The gate's request for the wave at `front`, waiting on `token` since `requestedAt`. */
export function approvalRequest(run: Run, front: WaveFront, token: string, executionArn: string, requestedAt: string): ApprovalRequest {
  const approval = front.approval;
  if (approval === undefined) throw new Error(`wave "${front.name}" has no approval gate: RequestApproval runs only when PrepareWave set one`);
  const deadline = new Date(Date.parse(requestedAt) + approval.timeoutSeconds * 1000).toISOString();
  const region = /^arn:[^:]+:states:([^:]+):/.exec(executionArn)?.[1];
  const regionOption = region === undefined ? '' : ` --region ${region}`;
  const approveCommand = `npm run aws -- approve --execution ${run.execution}${regionOption} --comment "<why>"`;
  const rejectCommand = `npm run aws -- reject --execution ${run.execution}${regionOption} --comment "<why>"`;
  const consoleUrl = consoleUrlOf(executionArn);
  const first = front.index === 0 ? ' (its first wave: nothing has been recovered yet)' : '';
  const ifNot = run.isDrill ? 'the drill cleans up and ends' : 'the recovery stops as not approved';
  const message = [
    `The ${run.mode} ${run.execution} of plan ${run.plan} waits for approval before wave "${front.name}"${first}.`,
    '',
    ...approval.reasons.map((reason) => `- ${reason}`),
    ...(approval.instructions === undefined ? [] : ['', `Before approving: ${approval.instructions}`]),
    '',
    `Decide before ${deadline}; without a decision ${ifNot}.`,
    `Approve: ${approveCommand}`,
    `Reject:  ${rejectCommand}`,
    `Console: ${consoleUrl}`,
  ].join('\n');
  // SNS subjects: at most 100 printable ASCII characters, no line breaks.
  const subject = `Approve ${run.mode} of ${run.plan} before wave ${front.name}?`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  return {
    pending: { execution: run.execution, executionArn, token, plan: run.plan, mode: run.mode, wave: front.name, reasons: approval.reasons, requestedAt, deadline },
    approveCommand,
    rejectCommand,
    consoleUrl,
    subject,
    message,
  };
}
