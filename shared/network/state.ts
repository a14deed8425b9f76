// $.networks in the recovery workflow: the network jobs and counts, never DRS documents.
import * as z from 'zod/mini';
import { RunState } from '../recovery/state.ts';

export const SourceNetworksState = z.object({
  /** Networks the plan lists. */
  networkCount: z.int(),
  jobIDs: z.array(z.string()),
  launched: z.int(),
  failed: z.int(),
  /** Every network LAUNCHED (or the plan lists none). */
  done: z.boolean(),
  pollSeconds: z.int(),
  waitedSeconds: z.number(),
  progressSignature: z.string(),
});
export type SourceNetworksState = z.infer<typeof SourceNetworksState>;

/** The recovery workflow's state with its network recovery. */
export const NetworkRunState = z.extend(RunState, { networks: z.optional(SourceNetworksState) });
