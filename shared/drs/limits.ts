// DRS API limits and service quotas that shape how the orchestrator batches its calls
// (drs-facts.md: API members' constraints; service quotas page as audited in Jan 2026).
export const DRS_LIMITS = {
  /** DescribeSourceServers filters.sourceServerIDs: up to 200. */
  sourceServerIdsPerDescribe: 200,
  /** DescribeRecoveryInstances filters.recoveryInstanceIDs: up to 200. */
  recoveryInstanceIdsPerDescribe: 200,
  /** DescribeSourceNetworks filters.sourceNetworkIDs: up to 100. */
  sourceNetworkIdsPerDescribe: 100,
  /** DescribeJobs filters.jobIDs: up to 1000. */
  jobIdsPerDescribe: 1000,
  /**
   * Quota: source servers in a single job. Tighter than the 200 IDs StartRecovery,
   * StartFailbackLaunch and TerminateRecoveryInstances accept a call, so it sets the batch size.
   */
  serversPerJob: 100,
  /** Quota: concurrent (not COMPLETED) jobs in an account. */
  concurrentJobs: 20,
  /** Quota: source servers in all active jobs. */
  serversInActiveJobs: 500,
} as const;

/** Items by a key, in their order (Map.groupBy is ES2024; the project targets ES2023). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}

/** Splits a list into consecutive chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
