// A sweep's result in words, for the people who ran it by hand (`npm run aws -- sweep`, the local
// runner's `--then sweep`): the counts, then each drill instance with what was done and why.
import * as z from 'zod/mini';
import type { SweepResult } from './sweep.ts';

/**
 * The sweep function's answer as a caller reads it back (JSON from Lambda or the local runtime):
 * the fields the summary prints.
 */
export const SweepAnswer = z.object({
  dryRun: z.boolean(),
  found: z.number(),
  terminated: z.number(),
  leftRunning: z.number(),
  unknownListed: z.number(),
  failed: z.number(),
  instances: z.array(
    z.object({
      scope: z.string(),
      recoveryInstanceID: z.string(),
      execution: z.optional(z.string()),
      ageHours: z.optional(z.number()),
      action: z.enum(['terminated', 'would terminate', 'left', 'listed', 'failed']),
      reason: z.string(),
    }),
  ),
  problems: z.array(z.string()),
});
export type SweepAnswer = z.infer<typeof SweepAnswer>;

/** The counts line and one line per drill instance. */
export function sweepSummary(result: SweepAnswer | SweepResult): string[] {
  const counts = `${result.found} found · ${result.terminated} terminated · ${result.leftRunning} left running · ${result.unknownListed} unknown listed · ${result.failed} failed`;
  const lines = [`Orphan sweep${result.dryRun ? ' (dry run: nothing terminated)' : ''}: ${counts}`];
  const width = Math.max(0, ...result.instances.map((instance) => instance.recoveryInstanceID.length));
  for (const instance of result.instances) {
    const age = instance.ageHours === undefined ? '' : ` · ${instance.ageHours} h old`;
    lines.push(`  ${instance.action.padEnd(15)} ${instance.recoveryInstanceID.padEnd(width)}  ${instance.scope}${age}: ${instance.reason}`);
  }
  if (result.instances.length === 0) lines.push('  no drill instances');
  for (const problem of result.problems) lines.push(`  ! ${problem}`);
  return lines;
}
