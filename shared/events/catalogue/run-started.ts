// Run Started: the input and the plan are valid (ValidateInput, ValidateFailbackInput); nothing in
// DRS has changed yet. A failback readiness check publishes no events.
import * as z from 'zod/mini';
import { RunTrigger } from '#shared/plan/common.ts';
import { progressEvent } from '#shared/events/definition.ts';
import { FailbackRunDetail, RecoveryRunDetail } from './run-detail.ts';

const started = { waves: z.array(z.string()), reason: z.optional(z.string()), trigger: z.optional(RunTrigger) };

export const RunStarted = progressEvent({
  name: 'Run Started',
  version: 1,
  detail: z.discriminatedUnion('mode', [z.extend(RecoveryRunDetail, started), z.extend(FailbackRunDetail, started)]),
});
