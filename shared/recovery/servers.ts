// Which DRS source servers a wave recovers: its selectors (explicit IDs, a tag selector,
// hostnames), each in the account and Region it names. In a target account that extends servers
// of staging accounts, a selector also matches the staging servers not extended yet: the run
// extends them before their wave (extension.ts).
import { scopeKey } from '#shared/accounts/scope.ts';
import type { SourceServer, StagingSourceServer } from '#shared/drs/port.ts';
import { hostnameOf } from '#shared/drs/servers.ts';
import type { Plan, ServerSelector } from '#shared/plan/schema.ts';
import { selectorsOf } from '#shared/plan/selectors.ts';
import type { Run } from './state.ts';

/** A wave's selector and the scope key (account@Region) it recovers in; undefined: single-account run. */
export interface PlacedSelector {
  selector: ServerSelector;
  scope?: string;
}

/** The selectors of the run's wave `index` (in `run.waves`), each with its scope. */
export function placedSelectors(run: Run, plan: Plan, index: number): PlacedSelector[] {
  const waveName = run.waves[index];
  const wave = plan.waves.find((candidate) => candidate.name === waveName);
  if (wave === undefined) throw new Error(`wave "${waveName}" is not in plan "${plan.name}"`);
  const placements = run.placements?.[index];
  return selectorsOf(wave).map((selector, selectorIndex) => {
    const scope = placements === undefined || run.scopes === undefined ? undefined : run.scopes[placements[selectorIndex]];
    return { selector, scope: scope === undefined ? undefined : scopeKey(scope) };
  });
}

/** The ID at the end of a source server ARN (`arn:aws:drs:<region>:<account>:source-server/s-…`). */
export function idOfArn(arn: string | undefined): string | undefined {
  return arn?.split('/').at(-1);
}

function carriesTags(tags: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => tags?.[key] === value);
}

function hasHostname(hostname: string | undefined, wanted: readonly string[]): boolean {
  return hostname !== undefined && wanted.some((name) => name.toLowerCase() === hostname.toLowerCase());
}

/**
 * A source server a tag or hostname selector may pick: one replicating towards AWS. The
 * FAILBACK-direction servers that reverse replication creates carry copied tags but are
 * failback's business.
 */
function isRecoverable(server: SourceServer): boolean {
  return server.replicationDirection !== 'FAILBACK';
}

export interface ResolvedServers {
  sourceServerIDs: string[];
  /** Explicit IDs and hostnames that match no server. */
  missingIDs: string[];
  missingHostnames: string[];
  /** The tag selector matched no server. */
  tagsMatchedNothing: boolean;
}

/**
 * Resolves a selector against the source servers of its scope (one paginated scan). An ID names
 * a server of the account, or the staging server an extended server of it was made from.
 */
export function resolveServers(selector: ServerSelector, servers: readonly SourceServer[]): ResolvedServers {
  const byID = new Map<string | undefined, SourceServer>();
  for (const server of servers) {
    byID.set(server.sourceServerID, server);
    const staged = idOfArn(server.stagingArea?.stagingSourceServerArn);
    if (staged !== undefined && !byID.has(staged)) byID.set(staged, server);
  }
  const chosen = new Set<string>();
  const missingIDs: string[] = [];
  for (const id of selector.ids ?? []) {
    const server = byID.get(id);
    if (server?.sourceServerID !== undefined) chosen.add(server.sourceServerID);
    else missingIDs.push(id);
  }
  const missingHostnames: string[] = [];
  if (selector.hostnames !== undefined) {
    for (const hostname of selector.hostnames) {
      const matched = servers.filter((server) => isRecoverable(server) && hasHostname(hostnameOf(server), [hostname]));
      if (matched.length === 0) missingHostnames.push(hostname);
      for (const server of matched) if (server.sourceServerID !== undefined) chosen.add(server.sourceServerID);
    }
  }
  let tagsMatchedNothing = false;
  if (selector.tags !== undefined) {
    const tags = selector.tags;
    const matched = servers.filter((server) => isRecoverable(server) && carriesTags(server.tags, tags));
    tagsMatchedNothing = matched.length === 0;
    for (const server of matched) if (server.sourceServerID !== undefined) chosen.add(server.sourceServerID);
  }
  return { sourceServerIDs: [...chosen].sort(), missingIDs, missingHostnames, tagsMatchedNothing };
}

/** The staging servers (not extended yet) a selector picks: by ID, hostname or tags. */
export function matchStagingServers(selector: ServerSelector, staging: readonly StagingSourceServer[]): StagingSourceServer[] {
  return staging.filter(
    (server) =>
      (selector.ids?.includes(idOfArn(server.arn) ?? '') ?? false) ||
      (selector.hostnames !== undefined && hasHostname(server.hostname, selector.hostnames)) ||
      (selector.tags !== undefined && carriesTags(server.tags, selector.tags)),
  );
}

/** The servers of one scope among a run's (all of them in a single-account run). */
export function serversOfScope(servers: readonly SourceServer[], scope: string | undefined, scopeOf: ((id: string) => string | undefined) | undefined): SourceServer[] {
  if (scope === undefined || scopeOf === undefined) return [...servers];
  return servers.filter((server) => scopeOf(server.sourceServerID ?? '') === scope);
}

/** The source server IDs a wave's selectors pick, each in its own scope, sorted. */
export function chosenServerIDs(selectors: readonly PlacedSelector[], servers: readonly SourceServer[], scopeOf: ((id: string) => string | undefined) | undefined): string[] {
  const chosen = new Set<string>();
  for (const { selector, scope } of selectors) {
    for (const id of resolveServers(selector, serversOfScope(servers, scope, scopeOf)).sourceServerIDs) chosen.add(id);
  }
  return [...chosen].sort();
}
