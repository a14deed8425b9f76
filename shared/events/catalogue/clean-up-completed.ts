// Clean-up Completed: a drill's clean-up ended (CleanUpDrill). Instances left cost money until
// someone terminates them.
import * as z from 'zod/mini';
import { progressEvent } from '#shared/events/definition.ts';
import { RecoveryRunDetail } from './run-detail.ts';

export const CleanUpCompleted = progressEvent({
  name: 'Clean-up Completed',
  version: 1,
  detail: z.extend(RecoveryRunDetail, { instancesTerminated: z.int(), instancesLeft: z.int() }),
});
