// The part of every detail that says which run the event belongs to: a recovery workflow's run
// (a drill or a recovery), or a failback and the recovery it fails back.
import * as z from 'zod/mini';
import { MODES } from '#shared/plan/common.ts';
import '#shared/zod-locale.ts';

/** The run a recovery workflow's event belongs to (a drill or a recovery). */
export const RecoveryRunDetail = z.strictObject({ plan: z.string(), mode: z.enum(MODES), execution: z.string() });
export type RecoveryRunDetail = z.infer<typeof RecoveryRunDetail>;

/** The run a failback workflow's event belongs to, and the recovery it fails back. */
export const FailbackRunDetail = z.strictObject({ plan: z.string(), mode: z.literal('failback'), execution: z.string(), recoveryExecution: z.string() });
export type FailbackRunDetail = z.infer<typeof FailbackRunDetail>;
