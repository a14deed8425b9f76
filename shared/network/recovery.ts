// Source network recovery: a plan's VPCs are deployed (StartSourceNetworkRecovery, a CloudFormation
// stack each) before its first wave, because the servers launch into them. Idempotent by job
// tags, like a wave start; a network that FAILED stops the plan.
import { SourceNetworkRecoveryFailedError, SourceNetworkRecoveryTimedOutError } from './errors.ts';
import { chunk } from '../drs/limits.ts';
import type { DrsNetworkPort, DrsPort, Job } from '../drs/port.ts';
import type { Plan, SourceNetwork } from '../plan/schema.ts';
import { nextPollSeconds, POLL } from '../recovery/polling.ts';
import type { Run } from '../recovery/state.ts';
import { isJobOfRun, jobTags, runJobsSince } from '../recovery/tags.ts';
import type { SourceNetworksState } from './state.ts';

/** StartSourceNetworkRecovery takes 1..100 networks a call. */
export const NETWORKS_PER_CALL = 100;
/** The wave tag of network jobs: they belong to no wave. */
export const NETWORK_JOB_WAVE = 'source-networks';
/** A CloudFormation VPC stack deploys in minutes; an hour means something is stuck. */
export const NETWORK_TIMEOUT_SECONDS = 60 * 60;

/** Networks that go in one call share `deployAsNew`, so the plan's list is split on it first. */
function networkCalls(networks: readonly SourceNetwork[]): Array<{ deployAsNew: boolean; networks: SourceNetwork[] }> {
  const calls: Array<{ deployAsNew: boolean; networks: SourceNetwork[] }> = [];
  for (const deployAsNew of [false, true]) {
    const group = networks.filter((network) => (network.deployAsNew ?? false) === deployAsNew);
    for (const batch of chunk(group, NETWORKS_PER_CALL)) calls.push({ deployAsNew, networks: batch });
  }
  return calls;
}

function networkIDsIn(jobs: readonly Job[]): Set<string> {
  return new Set(jobs.flatMap((job) => (job.participatingResources ?? []).map((resource) => resource.participatingResourceID?.sourceNetworkID ?? '')));
}

/**
 * Starts the recovery of the plan's source networks that this run has not started yet (found by
 * the jobs' tags, so a retried step never deploys a network twice). A plan without networks
 * gets `done: true` and no DRS call.
 */
export async function recoverSourceNetworks(run: Run, plan: Plan, drs: DrsPort & DrsNetworkPort): Promise<SourceNetworksState> {
  const networks = plan.sourceNetworks ?? [];
  const state: SourceNetworksState = {
    networkCount: networks.length,
    jobIDs: [],
    launched: 0,
    failed: 0,
    done: networks.length === 0,
    pollSeconds: POLL.minSeconds,
    waitedSeconds: 0,
    progressSignature: '',
  };
  if (networks.length === 0) return state;
  const ours = (await drs.listJobs({ fromDate: runJobsSince(run) })).filter((job) => isJobOfRun(job, run, NETWORK_JOB_WAVE));
  const started = networkIDsIn(ours);
  const jobIDs = ours.map((job) => job.jobID ?? '').reverse();
  const toStart = networks.filter((network) => !started.has(network.id));
  for (const call of networkCalls(toStart)) {
    const job = await drs.startSourceNetworkRecovery({
      sourceNetworks: call.networks.map((network) => ({ sourceNetworkID: network.id, cfnStackName: network.cfnStackName })),
      deployAsNew: call.deployAsNew,
      tags: jobTags(run, NETWORK_JOB_WAVE),
    });
    jobIDs.push(job.jobID ?? '');
  }
  return { ...state, jobIDs };
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
 * any FAILED one throws SourceNetworkRecoveryFailedError naming it and DRS's reason.
 */
export async function checkSourceNetworks(state: SourceNetworksState, drs: DrsPort): Promise<SourceNetworksState> {
  const jobs = await drs.listJobs({ jobIDs: state.jobIDs });
  const resources = jobs.flatMap((job) => job.participatingResources ?? []);
  const idOf = (resource: (typeof resources)[number]) => resource.participatingResourceID?.sourceNetworkID ?? '?';
  const launched = resources.filter((resource) => resource.launchStatus === 'LAUNCHED').length;
  const failed = resources.filter((resource) => resource.launchStatus === 'FAILED');
  const waitedSeconds = state.waitedSeconds + state.pollSeconds;
  const signature = `${launched}/${failed.length}`;
  const next: SourceNetworksState = {
    ...state,
    launched,
    failed: failed.length,
    done: launched === state.networkCount,
    waitedSeconds,
    progressSignature: signature,
    pollSeconds: nextPollSeconds(state.pollSeconds, signature !== state.progressSignature),
  };
  if (failed.length > 0) {
    const errors = await networkErrors(jobs.filter((job) => (job.participatingResources ?? []).some((resource) => resource.launchStatus === 'FAILED')), drs);
    const lines = failed.map((resource) => `${idOf(resource)}: ${errors.get(idOf(resource)) ?? 'FAILED'}`);
    throw new SourceNetworkRecoveryFailedError(
      `source network recovery failed for ${failed.length} of ${state.networkCount} network(s), no server was launched: ${lines.join('; ')}`,
    );
  }
  if (!next.done && waitedSeconds >= NETWORK_TIMEOUT_SECONDS) {
    const pending = resources.filter((resource) => resource.launchStatus !== 'LAUNCHED').map(idOf);
    throw new SourceNetworkRecoveryTimedOutError(
      `source network recovery did not finish within ${NETWORK_TIMEOUT_SECONDS / 60} minutes: ${pending.length} network(s) not launched: ${pending.join(', ')}`,
    );
  }
  return next;
}
