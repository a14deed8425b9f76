// $.networks in the recovery workflow: the network jobs and counts, never DRS documents.
import * as z from 'zod/mini';
import { PollState } from '#shared/engine/polling.ts';

export const SourceNetworksState = z.object({
  /** Networks the plan lists. */
  networkCount: z.int(),
  jobIDs: z.array(z.string()),
  /** Networks not in a job yet: DRS refused them for now (quota, conflict); a later poll starts them. */
  notStarted: z.int(),
  launched: z.int(),
  failed: z.int(),
  /** Every network LAUNCHED (or the plan lists none). */
  done: z.boolean(),
  ...PollState,
});
export type SourceNetworksState = z.infer<typeof SourceNetworksState>;
