// Action Completed: an action step before or after a wave ended (RunWaveActions): its status,
// duration, outputs or failure reason, and whether it stops the run.
import * as z from 'zod/mini';
import { progressEvent } from '#shared/events/definition.ts';
import { RecoveryRunDetail } from './run-detail.ts';

export const ActionCompleted = progressEvent({
  name: 'Action Completed',
  version: 1,
  detail: z.extend(RecoveryRunDetail, {
    wave: z.string(),
    phase: z.enum(['before', 'after']),
    action: z.string(),
    kind: z.enum(['lambda', 'ssmAutomation']),
    target: z.string(),
    status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED']),
    onFailure: z.enum(['stop', 'continue']),
    durationSeconds: z.number(),
    automationExecutionId: z.optional(z.string()),
    outputs: z.optional(z.string()),
    failureReason: z.optional(z.string()),
  }),
});
