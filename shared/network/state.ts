// $.networks in the recovery workflow: the network jobs and counts, never DRS documents.
import { z } from 'zod';
import { RunState } from '../recovery/state.ts';

export const SourceNetworksState = z.object({
  /** Networks the plan lists. */
  networkCount: z.number().int(),
  jobIDs: z.array(z.string()),
  launched: z.number().int(),
  failed: z.number().int(),
  /** Every network LAUNCHED (or the plan lists none). */
  done: z.boolean(),
  pollSeconds: z.number().int(),
  waitedSeconds: z.number(),
  progressSignature: z.string(),
});
export type SourceNetworksState = z.infer<typeof SourceNetworksState>;

/** The recovery workflow's state with its network recovery. */
export const NetworkRunState = RunState.extend({ networks: SourceNetworksState.optional() });
