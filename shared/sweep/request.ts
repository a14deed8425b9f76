// What starts a sweep: the schedule (EventBridge Scheduler fills in its time) or a person
// (`npm run aws -- sweep`, `npm run local -- ... --then sweep`).
import * as z from 'zod/mini';
import '#shared/zod-locale.ts';

export const SweepRequest = z.strictObject({
  /** Terminate nothing; report what would be terminated. */
  dryRun: z.optional(z.boolean()),
  /**
   * The sweep's moment, which instance ages are counted to: the schedule's time on AWS, the
   * simulated time locally; absent, the function's clock.
   */
  scheduledTime: z.optional(z.iso.datetime({ offset: true })),
});
export type SweepRequest = z.infer<typeof SweepRequest>;
