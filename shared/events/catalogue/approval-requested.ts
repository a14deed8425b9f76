// Approval Requested: a run waits at an approval gate before a wave (RequestApproval). It carries
// what an approver needs: why, until when, and the exact commands and console link to decide.
import * as z from 'zod/mini';
import { progressEvent } from '#shared/events/definition.ts';
import { RecoveryRunDetail } from './run-detail.ts';

export const ApprovalRequested = progressEvent({
  name: 'Approval Requested',
  version: 1,
  detail: z.extend(RecoveryRunDetail, {
    wave: z.string(),
    executionArn: z.string(),
    reasons: z.array(z.string()),
    instructions: z.optional(z.string()),
    requestedAt: z.string(),
    deadline: z.string(),
    approveCommand: z.string(),
    rejectCommand: z.string(),
    consoleUrl: z.string(),
  }),
});
