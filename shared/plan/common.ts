// The small schemas a plan, an execution input and the workflow's state share. Kept apart from
// the plan and input schemas so that a polling step, which never reads a plan, never builds them
// (building zod schemas is a measurable part of a cold start).
import * as z from 'zod/mini';
import '#shared/zod-locale.ts';

/** Which data a wave recovers from. */
export const SnapshotChoice = z.union([
  z.literal('latest').check(z.describe('On-demand snapshot taken at launch: the newest data (DRS default).')),
  z.literal('newest-point-in-time').check(z.describe('The newest existing point-in-time snapshot of each server.')),
  z
    .strictObject({
      atOrBefore: z.iso
        .datetime({ offset: true })
        .check(z.describe('The newest point-in-time snapshot taken at or before this instant (ISO-8601).')),
    })
    .check(z.describe('Recover the data as it was at a given time, e.g. before a ransomware infection.')),
]);
export type SnapshotChoice = z.infer<typeof SnapshotChoice>;

/** The modes of the recovery workflow. */
export const MODES = ['drill', 'recovery'] as const;
/** Every mode a run may ask for: failback runs on the failback workflow. */
export const RUN_MODES = [...MODES, 'failback'] as const;

/** Who started a run; set by the triggers. */
export const RunTrigger = z.strictObject({
  source: z.enum(['console', 'cli', 'schedule', 'alarm', 'local']),
  id: z.optional(z.string().check(z.maxLength(512))),
});
export type RunTrigger = z.infer<typeof RunTrigger>;
