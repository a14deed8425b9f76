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

/**
 * Why a network's stack stays after a drill: the plan keeps it (`keepAfterDrill`), or it existed
 * before the drill (a recovery deployed it; the drill only updated it). The report adds the cases
 * where no removal ran: a recovery, a drill that keeps its instances (`skipCleanup`), a drill whose
 * instances were not all terminated (the network may still hold them).
 */
export const KEPT_BECAUSE = ['keepAfterDrill', 'existedBeforeDrill', 'recovery', 'skipCleanup', 'instancesLeft'] as const;
export type KeptBecause = (typeof KEPT_BECAUSE)[number];

/** One recovered network of the run, and what became of its stack. */
export const NetworkStackOutcome = z.object({
  sourceNetworkID: z.string(),
  /** The stack DRS deployed for it (the job log's stackName, or DescribeSourceNetworks' cfnStackName). */
  stackName: z.optional(z.string()),
  stackId: z.optional(z.string()),
  /**
   * deleting: DeleteStack sent, not finished; removed: DELETE_COMPLETE; kept: see `keptBecause`;
   * failed: DELETE_FAILED after every attempt (`error` says why); notFound: CloudFormation has no
   * stack of that name (never created, or already gone).
   */
  outcome: z.enum(['deleting', 'removed', 'kept', 'failed', 'notFound']),
  keptBecause: z.optional(z.enum(KEPT_BECAUSE)),
  error: z.optional(z.string()),
  deleteAttempts: z.optional(z.int()),
});
export type NetworkStackOutcome = z.infer<typeof NetworkStackOutcome>;

/** $.networkRemoval: a drill's network stacks being deleted (RemoveDrillNetworks). */
export const NetworkRemoval = z.object({
  done: z.boolean(),
  ...PollState,
  /** The run's network jobs still running: their stacks are looked at once they end. */
  networkJobsInFlight: z.int(),
  /** Whether the run's networks were looked up (after their jobs ended). */
  discovered: z.boolean(),
  stacks: z.array(NetworkStackOutcome),
});
export type NetworkRemoval = z.infer<typeof NetworkRemoval>;
