// The small schemas a plan, an execution input and the workflow's state share. Kept apart from
// the plan and input schemas so that a polling step, which never reads a plan, never builds them
// (building zod schemas is a measurable part of a cold start).
import * as z from 'zod/mini';
import '#shared/zod-locale.ts';

/** An instant as DRS takes it: UTC (`Z`), whatever zone it was written in. */
export function toUtc(instant: string): string {
  const at = new Date(instant);
  // zod runs the overwrite after a failed format check too: the problem is that check's to tell.
  return Number.isNaN(at.getTime()) ? instant : at.toISOString().replace('.000Z', 'Z');
}

/**
 * An ISO-8601 instant with its zone (`Z` or an offset such as `+01:00`), kept in UTC: DRS refuses
 * offsets (its ISO8601DatetimeString ends in `Z`), and a zone-less time would be ambiguous.
 */
export const Instant = z.iso.datetime({ offset: true }).check(z.overwrite(toUtc));

/** Which data a wave recovers from. */
export const SnapshotChoice = z.union([
  z.literal('latest').check(z.describe('On-demand snapshot taken at launch: the newest data (DRS default).')),
  z.literal('newest-point-in-time').check(z.describe('The newest existing point-in-time snapshot of each server.')),
  z
    .strictObject({
      atOrBefore: Instant.check(z.describe('The newest point-in-time snapshot taken at or before this instant (ISO-8601 with its zone, e.g. 2026-12-01T13:00:00Z or 2026-12-01T14:00:00+01:00).')),
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
