// ExtendSourceServers: before a wave, the staging servers its selectors pick become source servers
// of the target account it recovers in (CreateExtendedSourceServer), as DRS's multiple staging
// accounts require: a target account recovers only its own source servers. Idempotent: a staging
// server already extended is no longer extensible (ListExtensibleSourceServers leaves it out) and
// its extension is found among the target's servers, so a retried step never creates two. An
// extension DRS could not make (EXTENSION_ERROR) is the wave's failure, under its budget
// (StartWave counts it).
import * as z from 'zod/mini';
import { scopeKey } from '#shared/accounts/scope.ts';
import { ConflictException } from '@aws-sdk/client-drs';
import { ExtensionTimedOutError } from '#shared/errors.ts';
import type { FullDrsPort, SourceServer, StagingSourceServer } from '#shared/drs/port.ts';
import { groupBy } from '#shared/drs/limits.ts';
import { hostnameOf } from '#shared/drs/servers.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { counted, plural } from '#shared/words.ts';
import { matchStagingServers, placedSelectors } from './servers.ts';
import type { RunState } from './state.ts';

/** What ExtendSourceServers did for the wave about to start. */
export const Extension = z.object({
  /** The run's wave index the extension was for. */
  wave: z.int(),
  done: z.boolean(),
  /** Extended servers this wave uses, made by this step now or before. */
  extended: z.int(),
  /** Of those, EXTENSION_ERROR. */
  failed: z.int(),
  /** Wait before the next round (0: more to create at once), and the waiting done for this wave. */
  pollSeconds: z.int(),
  waitedSeconds: z.number(),
});
export type Extension = z.infer<typeof Extension>;

/** The tags an extension carries: which plan and execution made it (so operators know why it exists). */
export const EXTENSION_TAG = { plan: 'drs-orchestrator:extended-for', execution: 'drs-orchestrator:extended-by' } as const;

/** CreateExtendedSourceServer has no batch form: calls in flight at once, and per account a step. */
const CONCURRENT_EXTENSIONS = 10;
const EXTENSIONS_PER_STEP = 300;
/** An extension neither EXTENDED nor EXTENSION_ERROR yet is looked at again after this long. */
const EXTENSION_POLL_SECONDS = 15;
/** Extensions that have not settled after this long stop the run (a drill still cleans up). */
export const EXTENSION_TIMEOUT_SECONDS = 30 * 60;

/** The ports of a multi-account run, by scope key. */
export type ScopePorts = ReadonlyMap<string, Pick<FullDrsPort, 'listSourceServers' | 'listExtensibleSourceServers' | 'createExtendedSourceServer'>>;

/**
 * Extends what the next wave needs from the staging accounts of the scopes it recovers in, at
 * most EXTENSIONS_PER_STEP per target account a round. Done when every staging server the wave picks has an
 * extension that is EXTENDED or EXTENSION_ERROR.
 */
export async function extendForWave(state: RunState, plan: Plan, ports: ScopePorts): Promise<Extension> {
  const { run } = state;
  const index = state.completed?.length ?? 0;
  const stagingOf = new Map((run.scopes ?? []).map((scope) => [scopeKey(scope), scope.stagingAccounts ?? []]));
  const wanted = new Map<string, { scope: string; server: StagingSourceServer }>();
  const extensions = new Map<string, SourceServer>();
  const listings = new Map<string, Promise<{ servers: SourceServer[]; staging: StagingSourceServer[] }>>();
  const listing = (scope: string) => {
    let found = listings.get(scope);
    if (found === undefined) {
      const port = portOf(ports, scope);
      found = Promise.all([port.listSourceServers(), Promise.all((stagingOf.get(scope) ?? []).map((account) => port.listExtensibleSourceServers(account)))]).then(
        ([servers, staging]) => ({ servers, staging: staging.flat() }),
      );
      listings.set(scope, found);
    }
    return found;
  };

  for (const { selector, scope } of placedSelectors(run, plan, index)) {
    if (scope === undefined || (stagingOf.get(scope) ?? []).length === 0) continue;
    const { servers, staging } = await listing(scope);
    for (const server of matchStagingServers(selector, staging)) if (server.arn !== undefined) wanted.set(server.arn, { scope, server });
    // Extensions made before (by an earlier round, run or person) that the selector picks.
    for (const server of servers) {
      const stagingArn = server.stagingArea?.stagingSourceServerArn;
      if (stagingArn !== undefined && matchesExtension(selector, server)) extensions.set(stagingArn, server);
    }
  }

  // Each target account extends its own, side by side: at most EXTENSIONS_PER_STEP each a round.
  const byScope = groupBy([...wanted.values()], (entry) => entry.scope);
  let conflicts = 0;
  let more = false;
  await Promise.all(
    [...byScope].map(([scope, entries]) => {
      more ||= entries.length > EXTENSIONS_PER_STEP;
      return inBatches(entries.slice(0, EXTENSIONS_PER_STEP), CONCURRENT_EXTENSIONS, async ({ server }) => {
        try {
          const extension = await portOf(ports, scope).createExtendedSourceServer(server.arn ?? '', { ...(server.tags ?? {}), [EXTENSION_TAG.plan]: run.plan, [EXTENSION_TAG.execution]: run.execution });
          extensions.set(server.arn ?? '', extension);
        } catch (error) {
          // Extended meanwhile (a lost response of an earlier round): the next round finds it.
          if (!(error instanceof ConflictException)) throw error;
          conflicts += 1;
        }
      });
    }),
  );
  const statuses = [...extensions.values()].map((server) => server.stagingArea?.status);
  const settling = statuses.filter((status) => status !== 'EXTENDED' && status !== 'EXTENSION_ERROR').length;
  const done = !more && conflicts === 0 && settling === 0;
  const previous = state.extension?.wave === index ? state.extension : undefined;
  const waitedSeconds = (previous?.waitedSeconds ?? 0) + (previous?.pollSeconds ?? 0);
  if (!done && waitedSeconds >= EXTENSION_TIMEOUT_SECONDS) {
    throw new ExtensionTimedOutError(
      `wave "${run.waves[index]}": ${counted(settling, 'extended source server')} ${plural(settling, 'is', 'are')} neither EXTENDED nor EXTENSION_ERROR after ${Math.round(waitedSeconds / 60)} minutes (check the staging accounts in the DRS console)`,
    );
  }
  return {
    wave: index,
    done,
    extended: extensions.size,
    failed: statuses.filter((status) => status === 'EXTENSION_ERROR').length,
    pollSeconds: more && conflicts === 0 && settling === 0 ? 0 : EXTENSION_POLL_SECONDS,
    waitedSeconds,
  };
}

/** Whether an extended server is one the selector picks (by the staging server's ID, or like any server). */
function matchesExtension(selector: Parameters<typeof matchStagingServers>[0], server: SourceServer): boolean {
  const asStaged = { arn: server.stagingArea?.stagingSourceServerArn, hostname: hostnameOf(server), tags: server.tags };
  return matchStagingServers(selector, [asStaged]).length > 0;
}

function portOf<Port>(ports: ReadonlyMap<string, Port>, scope: string): Port {
  const port = ports.get(scope);
  if (port === undefined) throw new Error(`no DRS for scope ${scope}`);
  return port;
}

/** Runs `work` over the items, `concurrency` at a time. */
async function inBatches<Item>(items: readonly Item[], concurrency: number, work: (item: Item) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += concurrency) await Promise.all(items.slice(start, start + concurrency).map(work));
}
