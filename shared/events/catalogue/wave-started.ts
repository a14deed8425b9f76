// Wave Started: the wave's first servers are in DRS jobs (StartWave); in a failback, the wave's
// failback launches and reverse replications started (StartFailbackWave).
import * as z from 'zod/mini';
import { progressEvent } from '#shared/events/definition.ts';
import { FailbackRunDetail, RecoveryRunDetail } from './run-detail.ts';

export const WaveStarted = progressEvent({
  name: 'Wave Started',
  version: 1,
  detail: z.discriminatedUnion('mode', [
    z.extend(RecoveryRunDetail, { wave: z.string(), servers: z.int(), jobs: z.int() }),
    /** Recovery instances of the wave by origin: on premises (failback launch) and EC2 (reverse replication). */
    z.extend(FailbackRunDetail, { wave: z.string(), onPremises: z.int(), aws: z.int() }),
  ]),
});
