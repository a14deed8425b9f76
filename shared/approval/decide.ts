// The approver's side of a gate: find the execution's pending approval in the lock table, say who
// decides (STS GetCallerIdentity), and send the decision with the task token (SendTaskSuccess to
// approve, SendTaskFailure to reject). `npm run aws -- approve|reject` calls it, on AWS or against a
// local run.
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { ApprovalTokens, PendingApproval } from '#shared/lock/approval-tokens.ts';
import type { Decision } from '#shared/recovery/front.ts';
import { isTokenGone } from '#shared/task-token.ts';
import { APPROVAL_REJECTED } from './request.ts';

/** No pending approval for the execution, or its token no longer waits (decided, timed out, run stopped). */
export class NoPendingApprovalError extends Error {
  override name = 'NoPendingApprovalError';
}

export interface DecisionRequest {
  execution: string;
  approve: boolean;
  comment?: string;
}

export interface DecisionOutcome {
  pending: PendingApproval;
  decision: Decision;
}

/** Sends the decision; resolves with what was decided for which gate. */
export async function decideApproval(request: DecisionRequest, services: { tokens: ApprovalTokens; sfn: SFNClient; sts: STSClient }): Promise<DecisionOutcome> {
  const pending = await services.tokens.get(request.execution);
  if (pending === undefined) {
    throw new NoPendingApprovalError(`execution ${request.execution} waits for no approval (none requested, or already decided): check the name (npm run aws -- follow <executionArn>)`);
  }
  const identity = await services.sts.send(new GetCallerIdentityCommand({}));
  const decision: Decision = {
    approver: identity.Arn ?? identity.UserId ?? 'unknown',
    ...(request.comment === undefined || request.comment.trim() === '' ? {} : { comment: request.comment.trim().slice(0, 1000) }),
    requestedAt: pending.requestedAt,
  };
  try {
    if (request.approve) await services.sfn.send(new SendTaskSuccessCommand({ taskToken: pending.token, output: JSON.stringify(decision) }));
    else await services.sfn.send(new SendTaskFailureCommand({ taskToken: pending.token, error: APPROVAL_REJECTED, cause: JSON.stringify(decision) }));
  } catch (error) {
    if (isTokenGone(error)) {
      await services.tokens.delete(request.execution, pending.token);
      throw new NoPendingApprovalError(`the gate before wave "${pending.wave}" of ${request.execution} no longer waits (${(error as Error).name}: it timed out, or the run stopped); nothing was sent`);
    }
    throw error;
  }
  await services.tokens.delete(request.execution, pending.token);
  return { pending, decision };
}
