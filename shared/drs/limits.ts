// DRS API limits and service quotas that shape how the orchestrator batches its calls
// (drs-facts.md: API members' constraints; service quotas page as audited in Jan 2026).
export const DRS_LIMITS = {
  /** StartRecovery, TerminateRecoveryInstances: 1..200 IDs a call. */
  idsPerRecoveryCall: 200,
  /** DescribeSourceServers filters.sourceServerIDs: up to 200. */
  sourceServerIdsPerDescribe: 200,
  /** DescribeRecoveryInstances filters.recoveryInstanceIDs: up to 200. */
  recoveryInstanceIdsPerDescribe: 200,
  /** DescribeJobs filters.jobIDs: up to 1000. */
  jobIdsPerDescribe: 1000,
  /** Quota: source servers in a single job. */
  serversPerJob: 100,
  /** Quota: concurrent (not COMPLETED) jobs in an account. */
  concurrentJobs: 20,
  /** Quota: source servers in all active jobs. */
  serversInActiveJobs: 500,
} as const;

/** Splits a list into consecutive chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
