// Several DRS scopes (an account in a Region each) as one DRS: what the wave logic sees when a
// plan recovers in more than one target account. Reads go to every scope and are joined; a call
// about one server, instance or job goes to the scope it came from. DRS keeps quotas per account
// and Region, so the engine starts jobs per scope (`scopeOf`), never a job across two.
import type { FullDrsPort, Job, RecoveryInstance, SourceServer } from './port.ts';

/** A DRS that also says which scope an ID it has listed belongs to. */
export interface ScopedDrsPort extends FullDrsPort {
  /** The scope key of a source server, recovery instance or job this port has listed or started. */
  scopeOf(id: string): string | undefined;
  /** The port of each scope, by key. */
  readonly scopes: ReadonlyMap<string, FullDrsPort>;
  /** How messages name a scope: `target-b (222233334444, us-east-1, role …)`. */
  labelOf(key: string): string;
}

export class UnknownScopeError extends Error {
  override name = 'UnknownScopeError';
}

/**
 * The fleet of scopes as one port. Every listing records where each source server, job and
 * recovery instance lives; a call about an ID it has not seen yet looks the ID up in every scope
 * first (a retried step in a fresh container starts with an empty map).
 */
export function fleetPort(scopes: ReadonlyMap<string, FullDrsPort>, labels: ReadonlyMap<string, string> = new Map()): ScopedDrsPort {
  const where = new Map<string, string>();
  const entries = [...scopes];

  async function fanOut<Item>(read: (port: FullDrsPort) => Promise<Item[]>, ids: (item: Item) => Array<string | undefined>): Promise<Item[]> {
    const results = await Promise.all(
      entries.map(async ([key, port]) => {
        const items = await read(port);
        for (const item of items) for (const id of ids(item)) if (id !== undefined) where.set(id, key);
        return items;
      }),
    );
    return results.flat();
  }
  const serverIDs = (server: SourceServer) => [server.sourceServerID];
  const instanceIDs = (instance: RecoveryInstance) => [instance.recoveryInstanceID, instance.sourceServerID];
  const jobIDs = (job: Job) => [
    job.jobID,
    ...(job.participatingServers ?? []).flatMap((server) => [server.sourceServerID, server.recoveryInstanceID]),
  ];

  async function portOf(id: string, kind: 'source server' | 'recovery instance' | 'job'): Promise<FullDrsPort> {
    if (!where.has(id)) {
      if (kind === 'source server') await fanOut((port) => port.listSourceServers({ sourceServerIDs: [id] }), serverIDs);
      else if (kind === 'recovery instance') await fanOut((port) => port.listRecoveryInstances({ recoveryInstanceIDs: [id] }), instanceIDs);
      else await fanOut((port) => port.listJobs({ jobIDs: [id] }), jobIDs);
    }
    const key = where.get(id);
    const port = key === undefined ? undefined : scopes.get(key);
    if (port === undefined) throw new UnknownScopeError(`${kind} ${id} is in none of the run's accounts (${[...scopes.keys()].join(', ')})`);
    return port;
  }

  /** The one scope of a batch: the engine never mixes scopes in one job. */
  async function portOfAll(ids: readonly string[], kind: 'source server' | 'recovery instance'): Promise<FullDrsPort> {
    const ports = new Set(await Promise.all(ids.map((id) => portOf(id, kind))));
    if (ports.size !== 1) throw new UnknownScopeError(`one DRS job cannot hold ${kind}s of several accounts: ${ids.slice(0, 5).join(', ')}`);
    return [...ports][0];
  }

  async function started(port: FullDrsPort, job: Promise<Job>): Promise<Job> {
    const result = await job;
    const key = entries.find(([, candidate]) => candidate === port)?.[0];
    if (key !== undefined) for (const id of jobIDs(result)) if (id !== undefined) where.set(id, key);
    return result;
  }

  return {
    scopes,
    labelOf: (key) => labels.get(key) ?? `account ${key.replace('@', ' in ')}`,
    scopeOf: (id) => where.get(id),
    listSourceServers: (filter) => fanOut((port) => port.listSourceServers(filter), serverIDs),
    listJobs: (filter) => fanOut((port) => port.listJobs(filter), jobIDs),
    listRecoveryInstances: (filter) => fanOut((port) => port.listRecoveryInstances(filter), instanceIDs),
    async startRecovery(request) {
      const port = await portOfAll(request.sourceServers.map((server) => server.sourceServerID), 'source server');
      return started(port, port.startRecovery(request));
    },
    async terminateRecoveryInstances(ids) {
      const port = await portOfAll(ids, 'recovery instance');
      return started(port, port.terminateRecoveryInstances(ids));
    },
    async startFailbackLaunch(ids, tags) {
      const port = await portOfAll(ids, 'recovery instance');
      return started(port, port.startFailbackLaunch(ids, tags));
    },
    newestSnapshot: async (id, atOrBefore) => (await portOf(id, 'source server')).newestSnapshot(id, atOrBefore),
    listLaunchActions: async (id) => (await portOf(id, 'source server')).listLaunchActions(id),
    getLaunchConfiguration: async (id) => (await portOf(id, 'source server')).getLaunchConfiguration(id),
    startReplication: async (id) => (await portOf(id, 'source server')).startReplication(id),
    listJobLogItems: async (id) => (await portOf(id, 'job')).listJobLogItems(id),
    stopFailback: async (id) => (await portOf(id, 'recovery instance')).stopFailback(id),
    reverseReplication: async (id) => (await portOf(id, 'recovery instance')).reverseReplication(id),
    // Source networks and staging accounts belong to one scope: callers pick it from `scopes`.
    startSourceNetworkRecovery: (request) => entries[0][1].startSourceNetworkRecovery(request),
    listStagingAccounts: () => entries[0][1].listStagingAccounts(),
    listExtensibleSourceServers: (stagingAccountID) => entries[0][1].listExtensibleSourceServers(stagingAccountID),
    createExtendedSourceServer: (arn, tags) => entries[0][1].createExtendedSourceServer(arn, tags),
  };
}

/** The scope-of-ID lookup of a multi-account port; undefined for one account's port (one scope). */
export function scopeOfPort(drs: object): ((id: string) => string | undefined) | undefined {
  return 'scopeOf' in drs && typeof drs.scopeOf === 'function' ? (drs.scopeOf as (id: string) => string | undefined).bind(drs) : undefined;
}
