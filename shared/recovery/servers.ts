// Which DRS source servers a wave recovers: explicit IDs and/or a tag selector.
import type { ServerSelector } from '#shared/plan/schema.ts';
import type { SourceServer } from '#shared/drs/port.ts';

function carriesTags(server: SourceServer, tags: Record<string, string>): boolean {
  return Object.entries(tags).every(([key, value]) => server.tags?.[key] === value);
}

/**
 * A source server a tag selector may pick: one replicating towards AWS. The FAILBACK-direction
 * servers that reverse replication creates carry copied tags but are failback's business.
 */
function isRecoverable(server: SourceServer): boolean {
  return server.replicationDirection !== 'FAILBACK';
}

export interface ResolvedServers {
  sourceServerIDs: string[];
  /** Explicit IDs DRS does not know. */
  missingIDs: string[];
  /** The tag selector matched no server. */
  tagsMatchedNothing: boolean;
}

/** Resolves a wave's selector against the account's source servers (one paginated scan). */
export function resolveServers(selector: ServerSelector, servers: readonly SourceServer[]): ResolvedServers {
  const byID = new Map(servers.map((server) => [server.sourceServerID, server]));
  const chosen = new Set<string>();
  const missingIDs: string[] = [];
  for (const id of selector.ids ?? []) {
    if (byID.has(id)) chosen.add(id);
    else missingIDs.push(id);
  }
  let tagsMatchedNothing = false;
  if (selector.tags !== undefined) {
    const tags = selector.tags;
    const matched = servers.filter((server) => isRecoverable(server) && carriesTags(server, tags));
    tagsMatchedNothing = matched.length === 0;
    for (const server of matched) if (server.sourceServerID !== undefined) chosen.add(server.sourceServerID);
  }
  return { sourceServerIDs: [...chosen].sort(), missingIDs, tagsMatchedNothing };
}
