// Post-launch actions (SSM documents DRS runs on a launched instance), checked the same way for
// recovery waves and for failback launches in origin Regions.
import { chunk } from '#shared/drs/limits.ts';
import { participantsOf } from '#shared/drs/jobs.ts';
import type { DrsPort, Job, ParticipatingServer } from '#shared/drs/port.ts';
import type { ServerProblem } from './state.ts';

/** Post-launch action look-ups at once: one call per server, once per wave start. */
const ACTION_LOOKUP_CONCURRENCY = 8;

/**
 * The servers among these that have at least one active post-launch action. A server without any
 * gets no runs from DRS, so waiting for its runs would only wait out the timeout.
 */
export async function serversWithActiveActions(sourceServerIDs: readonly string[], drs: Pick<DrsPort, 'listLaunchActions'>): Promise<string[]> {
  const actions = await lookUpEach(sourceServerIDs, (id) => drs.listLaunchActions(id));
  return sourceServerIDs.filter((_id, index) => actions[index].some((action) => action.active !== false));
}

/** Per-server look-ups, ACTION_LOOKUP_CONCURRENCY at a time (DRS has no batch form of them). */
async function lookUpEach<Result>(sourceServerIDs: readonly string[], lookUp: (id: string) => Promise<Result>): Promise<Result[]> {
  const results: Result[] = [];
  for (const batch of chunk(sourceServerIDs, ACTION_LOOKUP_CONCURRENCY)) results.push(...(await Promise.all(batch.map(lookUp))));
  return results;
}

export interface ActionWaits {
  /** Servers whose post-launch action runs the wave waits for. */
  waitFor: string[];
  /** Servers with active actions whose launch configuration has post-launch actions disabled. */
  postLaunchDisabled: string[];
}

/**
 * The servers whose post-launch actions a wave waits for: those with an active action and
 * post-launch actions enabled in their launch configuration. DRS creates no runs for a server
 * with `postLaunchEnabled: false`, so waiting for them would only wait out the timeout. A launch
 * configuration that does not say counts as enabled: waiting is the safe side, and the SSM agent
 * timeout names the server if nothing comes.
 */
export async function serversToWaitFor(sourceServerIDs: readonly string[], drs: Pick<DrsPort, 'listLaunchActions' | 'getLaunchConfiguration'>): Promise<ActionWaits> {
  const withActions = await serversWithActiveActions(sourceServerIDs, drs);
  const configurations = await lookUpEach(withActions, (id) => drs.getLaunchConfiguration(id));
  return {
    waitFor: withActions.filter((_id, index) => configurations[index].postLaunchEnabled !== false),
    postLaunchDisabled: withActions.filter((_id, index) => configurations[index].postLaunchEnabled === false),
  };
}

/** A run DRS reports as ended. */
const ended = (run: { status?: string }) => run.status === 'SUCCEEDED' || run.status === 'FAILED';

/**
 * What DescribeJobs alone says of a launched server's post-launch actions. DRS gives every active
 * action a run when it discovers the instance's SSM agent, each run carrying its action (and
 * whether it is optional): a server with runs is decided by them. A server discovered with no
 * run has no active action, unless a look-up found one (`expectingRuns`: its runs are still to
 * come). A server not discovered yet is `unknown`: it may have no action, have post-launch
 * actions disabled (DRS then never looks for the agent), or have actions whose agent is late or
 * missing; only ListLaunchActions and GetLaunchConfiguration tell (resolveActionWaits).
 */
export function actionsSeen(server: ParticipatingServer, expectingRuns: boolean): 'finished' | 'running' | 'unknown' {
  const status = server.launchActionsStatus;
  const runs = status?.runs ?? [];
  if (runs.length > 0) return runs.every(ended) ? 'finished' : 'running';
  if (expectingRuns) return 'running';
  return status?.ssmAgentDiscoveryDatetime === undefined ? 'unknown' : 'finished';
}

/** What the look-ups said of servers whose actions DescribeJobs could not tell (see actionsSeen). */
export interface ResolvedWaits {
  /** No active action: nothing to wait for. */
  noActions: string[];
  /** Active actions, but the launch configuration disables them: DRS runs none. */
  postLaunchDisabled: string[];
  /** Active actions with post-launch enabled: the wave waits for their runs (and the SSM agent). */
  waitFor: string[];
}

/** ListLaunchActions (and GetLaunchConfiguration for those with an active action) of these servers. */
export async function resolveActionWaits(sourceServerIDs: readonly string[], drs: Pick<DrsPort, 'listLaunchActions' | 'getLaunchConfiguration'>): Promise<ResolvedWaits> {
  const waits = await serversToWaitFor(sourceServerIDs, drs);
  const withActions = new Set([...waits.waitFor, ...waits.postLaunchDisabled]);
  return { noActions: sourceServerIDs.filter((id) => !withActions.has(id)), postLaunchDisabled: waits.postLaunchDisabled, waitFor: waits.waitFor };
}

/**
 * Whether a launched server's actions are done: it has none the wave waits for, or DRS lists runs
 * for it (they appear once DRS discovers the instance's SSM agent) and every run SUCCEEDED or FAILED.
 */
export function actionsFinished(server: ParticipatingServer, expectingRuns: ReadonlySet<string>): boolean {
  const runs = server.launchActionsStatus?.runs ?? [];
  return !expectingRuns.has(server.sourceServerID ?? '?') || (runs.length > 0 && runs.every((run) => run.status === 'SUCCEEDED' || run.status === 'FAILED'));
}

export interface PostLaunchTally {
  succeeded: number;
  failed: number;
  pending: number;
  /** Launched servers whose actions are not finished (runs in progress, or none listed yet). */
  pendingServers: string[];
  /** Of those, the ones whose SSM agent DRS has not discovered yet: no runs until it does. */
  awaitingAgent: string[];
  /** Servers with a required action that FAILED, each once. */
  failures: ServerProblem[];
  /** Optional actions that FAILED: reported, never fatal. */
  warnings: string[];
}

/** The post-launch action runs of the jobs' launched servers, counted. */
export function tallyPostLaunchActions(jobs: readonly Job[], expectingRuns: ReadonlySet<string>): PostLaunchTally {
  const tally: PostLaunchTally = { succeeded: 0, failed: 0, pending: 0, pendingServers: [], awaitingAgent: [], failures: [], warnings: [] };
  const failedServers = new Set<string>();
  for (const { server } of participantsOf(jobs)) {
    if (server.launchStatus !== 'LAUNCHED') continue;
    const id = server.sourceServerID ?? '?';
    const runs = server.launchActionsStatus?.runs ?? [];
    let serverPending = expectingRuns.has(id) && runs.length === 0;
    for (const actionRun of runs) {
      const name = actionRun.action?.name ?? actionRun.action?.actionId ?? 'unnamed action';
      if (actionRun.status === 'SUCCEEDED') tally.succeeded += 1;
      else if (actionRun.status === 'FAILED') {
        tally.failed += 1;
        const reason = `post-launch action "${name}" FAILED${actionRun.failureReason ? `: ${actionRun.failureReason}` : ''}`;
        if (actionRun.action?.optional === true) tally.warnings.push(`${id}: optional ${reason}`);
        else if (!failedServers.has(id)) {
          // A server with several failed required actions fails once.
          failedServers.add(id);
          tally.failures.push({ sourceServerID: id, reason });
        }
      } else {
        tally.pending += 1;
        serverPending = true;
      }
    }
    if (serverPending) tally.pendingServers.push(id);
    if (serverPending && runs.length === 0 && server.launchActionsStatus?.ssmAgentDiscoveryDatetime === undefined) tally.awaitingAgent.push(id);
  }
  return tally;
}
