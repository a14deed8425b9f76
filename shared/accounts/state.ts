// What a multi-account run carries in its state (recovery and failback alike): small, and free
// of the configuration's and the plan's schemas, which the polling steps must not build.
import * as z from 'zod/mini';

/** The state fields of a multi-account run (recovery or failback); all absent for one account. */
export const RunScopes = {
  /**
   * The accounts and Regions the run recovers in, with the staging accounts whose servers each
   * may extend (IDs, from the stage configuration).
   */
  scopes: z.optional(z.array(z.object({ account: z.string(), region: z.string(), stagingAccounts: z.optional(z.array(z.string())) }))),
  /** Some scope extends servers of staging accounts: ExtendSourceServers runs before each wave. */
  extendsServers: z.optional(z.literal(true)),
  /** For each wave of the run, for each of its server selectors: the index of its scope in `scopes`. */
  placements: z.optional(z.array(z.array(z.int()))),
};
