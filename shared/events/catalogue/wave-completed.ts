// Wave Completed: the wave launched within its failure budget (CompleteWave); in a failback, the
// wave failed back and was re-protected (ReprotectWave).
import * as z from 'zod/mini';
import { progressEvent } from '#shared/events/definition.ts';
import { FailbackRunDetail, RecoveryRunDetail } from './run-detail.ts';

export const WaveCompleted = progressEvent({
  name: 'Wave Completed',
  version: 1,
  detail: z.discriminatedUnion('mode', [
    /** `warnings`: how many optional post-launch actions failed. */
    z.extend(RecoveryRunDetail, { wave: z.string(), servers: z.int(), launched: z.int(), failed: z.int(), warnings: z.int() }),
    /** `terminated`: recovery instances terminated, only when the input asked and confirmed it. */
    z.extend(FailbackRunDetail, { wave: z.string(), failedBack: z.int(), reprotected: z.int(), terminated: z.int() }),
  ]),
});
