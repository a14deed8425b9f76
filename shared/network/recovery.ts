// Source network recovery: a plan's VPCs are deployed (StartSourceNetworkRecovery, a CloudFormation
// stack each) before its first wave, because the servers launch into them. A loop of the wave
// engine: idempotent by job tags like a wave start; a network that FAILED stops the plan.
import { chunk } from '#shared/drs/limits.ts';
import type { DrsNetworkPort, DrsPort, Job } from '#shared/drs/port.ts';
import { isJobOfRun, jobTags, runJobsSince, type RunRef } from '#shared/drs/run-ref.ts';
import { firstPoll, nextPoll } from '#shared/engine/polling.ts';
import { startRound, type JobLoop } from '#shared/engine/start.ts';
import { isPastTimeout } from '#shared/engine/verdict.ts';
import type { Plan, SourceNetwork } from '#shared/plan/schema.ts';
import { counted } from '#shared/words.ts';
import { SourceNetworkRecoveryFailedError, SourceNetworkRecoveryTimedOutError } from './errors.ts';
import type { SourceNetworksState } from './state.ts';

/** StartSourceNetworkRecovery takes 1..100 networks a call. */
export const NETWORKS_PER_CALL = 100;
/** The wave tag of network jobs: they belong to no wave. */
export const NETWORK_JOB_WAVE = 'source-networks';
/** A CloudFormation VPC stack deploys in minutes; an hour means something is stuck. */
export const NETWORK_TIMEOUT_SECONDS = 60 * 60;

function networkIDsOf(job: Job): string[] {
  return (job.participatingResources ?? []).map((resource) => resource.participatingResourceID?.sourceNetworkID ?? '');
}

/** The engine loop of a run's networks: calls share `deployAsNew`, so the list is split on it first. */
function networkLoop(run: RunRef, networks: readonly SourceNetwork[], drs: DrsNetworkPort): JobLoop {
  const byID = new Map(networks.map((network) => [network.id, network]));
  const deployAsNew = (id: string) => byID.get(id)?.deployAsNew ?? false;
  return {
    owns: (job) => isJobOfRun(job, run, NETWORK_JOB_WAVE),
    itemsOf: networkIDsOf,
    batches: (ids) => [false, true].flatMap((asNew) => chunk(ids.filter((id) => deployAsNew(id) === asNew), NETWORKS_PER_CALL)),
    start: (ids) =>
      drs.startSourceNetworkRecovery({
        sourceNetworks: ids.map((sourceNetworkID) => ({ sourceNetworkID, cfnStackName: byID.get(sourceNetworkID)?.cfnStackName })),
        deployAsNew: deployAsNew(ids[0]),
        tags: jobTags(run, NETWORK_JOB_WAVE),
      }),
  };
}

/**
 * Starts the recovery of the plan's source networks that this run has not started yet (found by
 * the jobs' tags, so a retried step never deploys a network twice). A plan without networks
 * gets `done: true` and no DRS call.
 */
export async function recoverSourceNetworks(run: RunRef, plan: Plan, drs: DrsPort & DrsNetworkPort): Promise<SourceNetworksState> {
  const networks = plan.sourceNetworks ?? [];
  const state: SourceNetworksState = { networkCount: networks.length, jobIDs: [], notStarted: 0, launched: 0, failed: 0, done: networks.length === 0, ...firstPoll() };
  if (networks.length === 0) return state;
  const round = await startRound(networkLoop(run, networks, drs), networks.map((network) => network.id), await drs.listJobs({ fromDate: runJobsSince(run) }));
  return { ...state, jobIDs: round.jobIDs, notStarted: round.deferred.length };
}

/** Why a network failed, in DRS's words (the job log's DEPLOY_NETWORK_CONFIGURATION_FAILED). */
async function networkErrors(jobs: readonly Job[], drs: DrsPort): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  for (const job of jobs) {
    for (const item of await drs.listJobLogItems(job.jobID ?? '')) {
      const network = (item.eventData?.eventResourceData as { sourceNetworkData?: { sourceNetworkID?: string } } | undefined)?.sourceNetworkData?.sourceNetworkID;
      if (item.event === 'DEPLOY_NETWORK_CONFIGURATION_FAILED' && network !== undefined) errors.set(network, item.eventData?.rawError ?? 'deployment failed');
    }
  }
  return errors;
}

/**
 * One poll of the network jobs' participatingResources: done when every network is LAUNCHED;
 * any FAILED one throws SourceNetworkRecoveryFailedError naming it and DRS's reason. Networks DRS
 * refused to start for now are started again first (`plan` is read only then).
 */
export async function checkSourceNetworks(run: RunRef, networksState: SourceNetworksState, drs: DrsPort & DrsNetworkPort, plan: () => Promise<Plan>): Promise<SourceNetworksState> {
  let state = networksState;
  if (state.notStarted > 0) {
    const restarted = await recoverSourceNetworks(run, await plan(), drs);
    state = { ...state, jobIDs: restarted.jobIDs, notStarted: restarted.notStarted };
  }
  const jobs = await drs.listJobs({ jobIDs: state.jobIDs });
  const resources = jobs.flatMap((job) => job.participatingResources ?? []);
  const idOf = (resource: (typeof resources)[number]) => resource.participatingResourceID?.sourceNetworkID ?? '?';
  const launched = resources.filter((resource) => resource.launchStatus === 'LAUNCHED').length;
  const failed = resources.filter((resource) => resource.launchStatus === 'FAILED');
  const next: SourceNetworksState = {
    ...state,
    launched,
    failed: failed.length,
    done: launched === state.networkCount,
    ...nextPoll(state, `${launched}/${failed.length}`),
  };
  if (failed.length > 0) {
    const errors = await networkErrors(jobs.filter((job) => (job.participatingResources ?? []).some((resource) => resource.launchStatus === 'FAILED')), drs);
    const lines = failed.map((resource) => `${idOf(resource)}: ${errors.get(idOf(resource)) ?? 'FAILED'}`);
    throw new SourceNetworkRecoveryFailedError(
      `source network recovery failed for ${failed.length} of ${counted(state.networkCount, 'network')}, no server was launched: ${lines.join('; ')}`,
    );
  }
  if (!next.done && isPastTimeout(next, NETWORK_TIMEOUT_SECONDS)) {
    const pending = resources.filter((resource) => resource.launchStatus !== 'LAUNCHED').map(idOf);
    throw new SourceNetworkRecoveryTimedOutError(
      `source network recovery did not finish within ${NETWORK_TIMEOUT_SECONDS / 60} minutes: ${counted(pending.length, 'network')} not launched: ${pending.join(', ')}`,
    );
  }
  return next;
}
