// Several DRS scopes (an account in a Region each) as one DRS: what the wave logic sees when a
// plan recovers in more than one target account. Reads go to every scope and are joined; a call
// about one server, instance or job goes to the scope it came from. DRS keeps quotas per account
// and Region, so the engine starts jobs per scope (`scopeOf`), never a job across two.
import { groupBy } from './limits.ts';
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
  // One scope (one target account, however many staging accounts replicate into it): every ID is
  // there, with nothing to look up.
  const only = entries.length === 1 ? entries[0] : undefined;

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

  const LOOKUPS = {
    'source server': ['listSourceServers', (id: string) => ({ sourceServerIDs: [id] }), serverIDs],
    'recovery instance': ['listRecoveryInstances', (id: string) => ({ recoveryInstanceIDs: [id] }), instanceIDs],
    job: ['listJobs', (id: string) => ({ jobIDs: [id] }), jobIDs],
  } as const;

  async function portOf(id: string, kind: 'source server' | 'recovery instance' | 'job'): Promise<FullDrsPort> {
    if (only !== undefined) return only[1];
    if (!where.has(id)) {
      // Looked up with the listing the domain itself uses for the kind.
      const [method, filter, ids] = LOOKUPS[kind];
      await fanOut((port) => Reflect.apply(port[method], port, [filter(id)]) as Promise<never[]>, ids as (item: never) => Array<string | undefined>);
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

  // Routing by table rather than by a method each: this port calls no DRS operation of its own
  // choosing, it hands each call to the scope it belongs to (test/deploy reads each function's
  // DRS calls from its code, and must see the domain's, not every one the router could route).
  type Method = keyof FullDrsPort;
  const call = (port: FullDrsPort, method: Method, args: unknown[]) => Reflect.apply(port[method], port, args) as Promise<unknown>;
  const byFirstID = (method: Method, kind: 'source server' | 'recovery instance' | 'job') => async (id: string, ...rest: unknown[]) =>
    call(await portOf(id, kind), method, [id, ...rest]);
  const startingJob = (method: Method, kind: 'source server' | 'recovery instance', idsOf: (first: never) => string[]) => async (first: never, ...rest: unknown[]) => {
    const port = await portOfAll(idsOf(first), kind);
    return started(port, call(port, method, [first, ...rest]) as Promise<Job>);
  };
  /**
   * A listing. By IDs that were all seen before (a warm step polling its wave, clean-up counting
   * its instances): only their accounts are asked, each for its own IDs. Otherwise every account
   * is asked with the whole filter.
   */
  const byIDs = (method: Method, key: string, ids: (item: never) => Array<string | undefined>) => async (filter: Record<string, unknown> | undefined) => {
    const wanted = filter?.[key] as string[] | undefined;
    if (wanted === undefined || !wanted.every((id) => where.has(id))) return fanOut((port) => call(port, method, [filter]) as Promise<never[]>, ids);
    const byScope = groupBy(wanted, (id) => where.get(id) ?? '');
    const results = await Promise.all(
      [...byScope].map(async ([scope, scoped]) => {
        const items = (await call(scopes.get(scope) as FullDrsPort, method, [{ ...filter, [key]: scoped }])) as never[];
        // What they name is in that scope too (a job's instances): clean-up sorts them by account.
        for (const item of items) for (const id of ids(item)) if (id !== undefined) where.set(id, scope);
        return items;
      }),
    );
    return results.flat();
  };
  // Source networks and staging accounts belong to one scope: callers pick it from `scopes`.
  const firstScope = (method: Method) => (...args: unknown[]) => call(entries[0][1], method, args);

  const routed: Record<Method, unknown> = {
    listSourceServers: byIDs('listSourceServers', 'sourceServerIDs', serverIDs as never),
    listJobs: byIDs('listJobs', 'jobIDs', jobIDs as never),
    listRecoveryInstances: byIDs('listRecoveryInstances', 'recoveryInstanceIDs', instanceIDs as never),
    startRecovery: startingJob('startRecovery', 'source server', ((request: { sourceServers: Array<{ sourceServerID: string }> }) => request.sourceServers.map((server) => server.sourceServerID)) as never),
    terminateRecoveryInstances: startingJob('terminateRecoveryInstances', 'recovery instance', ((ids: string[]) => ids) as never),
    startFailbackLaunch: startingJob('startFailbackLaunch', 'recovery instance', ((ids: string[]) => ids) as never),
    newestSnapshot: byFirstID('newestSnapshot', 'source server'),
    listLaunchActions: byFirstID('listLaunchActions', 'source server'),
    getLaunchConfiguration: byFirstID('getLaunchConfiguration', 'source server'),
    startReplication: byFirstID('startReplication', 'source server'),
    listJobLogItems: byFirstID('listJobLogItems', 'job'),
    stopFailback: byFirstID('stopFailback', 'recovery instance'),
    reverseReplication: byFirstID('reverseReplication', 'recovery instance'),
    listSourceNetworks: firstScope('listSourceNetworks'),
    startSourceNetworkRecovery: firstScope('startSourceNetworkRecovery'),
    listExtensibleSourceServers: firstScope('listExtensibleSourceServers'),
    createExtendedSourceServer: firstScope('createExtendedSourceServer'),
  };
  return {
    ...(routed as FullDrsPort),
    scopes,
    labelOf: (key) => labels.get(key) ?? `account ${key.replace('@', ' in ')}`,
    scopeOf: (id) => where.get(id) ?? only?.[0],
  };
}

/** The scope keys of a multi-account port; none for one account's port. */
export function scopeKeysOf(drs: object): string[] {
  return 'scopes' in drs && drs.scopes instanceof Map ? [...(drs.scopes as ReadonlyMap<string, unknown>).keys()] : [];
}

/** Whether the port spans several scopes, so that it must have seen an ID to know its scope. */
export function spansScopes(drs: object): boolean {
  return scopeKeysOf(drs).length > 1;
}

/** The scope-of-ID lookup of a multi-account port; undefined for one account's port (one scope). */
export function scopeOfPort(drs: object): ((id: string) => string | undefined) | undefined {
  return 'scopeOf' in drs && typeof drs.scopeOf === 'function' ? (drs.scopeOf as (id: string) => string | undefined).bind(drs) : undefined;
}
