// Wave Failed: the run stopped in this wave, published with the report (WriteReport), which is
// where the wave's failures are read back from DRS.
import * as z from 'zod/mini';
import { progressEvent } from '#shared/events/definition.ts';
import { FailbackRunDetail, RecoveryRunDetail } from './run-detail.ts';

export const WaveFailed = progressEvent({
  name: 'Wave Failed',
  version: 1,
  detail: z.discriminatedUnion('mode', [
    /** `failed`: servers whose launch did not end LAUNCHED. */
    z.extend(RecoveryRunDetail, { wave: z.string(), servers: z.int(), failed: z.int(), cause: z.optional(z.string()) }),
    z.extend(FailbackRunDetail, { wave: z.string(), servers: z.int(), cause: z.optional(z.string()) }),
  ]),
});
