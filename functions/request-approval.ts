// RequestApproval: the approval gate's callback step. Stores the task token for the approve and
// reject commands, tells the operators (SNS, the Approval Requested event), and returns: the
// workflow then waits for SendTaskSuccess, SendTaskFailure or the gate's timeout.
import * as z from 'zod/mini';
import { approvalTokens } from '#shared/aws/lock-table.ts';
import { notifyOperators } from '#shared/aws/notify.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { approvalRequest } from '#shared/approval/request.ts';
import { runDetail } from '#shared/events/progress.ts';
import { logger } from '#shared/powertools.ts';
import { WaveFront } from '#shared/recovery/front.ts';
import { Run } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

const RequestApprovalEvent = z.object({ token: z.string().check(z.minLength(1)), requestedAt: z.string(), executionArn: z.string(), run: Run, next: WaveFront });

export const handler = stepHandler(RequestApprovalEvent, async ({ token, requestedAt, executionArn, run, next }) => {
  const request = approvalRequest(run, next, token, executionArn, requestedAt);
  // Stored before anyone is told: an approver acting on the message always finds the token.
  await approvalTokens.put(request.pending);
  const messageId = await notifyOperators(request.subject, request.message, { plan: run.plan, mode: run.mode, wave: next.name, execution: run.execution });
  logger.info('approval requested', { wave: next.name, deadline: request.pending.deadline, messageId });
  await publishProgress(
    'Approval Requested',
    runDetail(run, {
      wave: next.name,
      executionArn,
      reasons: next.approval?.reasons ?? [],
      ...(next.approval?.instructions === undefined ? {} : { instructions: next.approval.instructions }),
      requestedAt,
      deadline: request.pending.deadline,
      approveCommand: request.approveCommand,
      rejectCommand: request.rejectCommand,
      consoleUrl: request.consoleUrl,
    }),
  );
  return { messageId };
});
