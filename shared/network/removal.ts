// Removing the networks a drill deployed: DRS never deletes what StartSourceNetworkRecovery
// deployed, and a drill must leave nothing behind. After the drill's instances are gone
// (CleanUpDrill), RemoveDrillNetworks deletes the CloudFormation stacks this drill created and
// polls until each is DELETE_COMPLETE (a loop of Wait + Task in the state machine, like the
// clean-up). Which stacks are the drill's is read from DRS and CloudFormation alone, so the
// stopped-run workflow, which rebuilds a run from its execution's input, decides the same.
//
// What this relies on (checked 2026-12, *unconfirmed* where marked; designed so either answer works):
//  - StartSourceNetworkRecovery "deploy[s the] VPC for the specified Source Network … using a
//    dedicated CloudFormation stack" in the caller's account and Region (DRS API reference,
//    StartSourceNetworkRecovery); `cfnStackName` is the "CloudFormation stack name to be used for
//    recovering the network" (StartSourceNetworkRecoveryRequestNetworkEntry); `deployAsNew`: "Don't
//    update existing CloudFormation Stack, recover the network using a new stack". So a recovery
//    either creates a stack or updates the one deployed before. Without `cfnStackName` DRS names the
//    stack itself: its naming is undocumented (hence IAM on `stack/*`, README).
//  - DescribeSourceNetworks gives `cfnStackName` ("CloudFormation stack name that was deployed for
//    recovering the Source Network"), `launchedVpcID` and `lastRecovery.jobID` (the job that last
//    recovered it) (DRS API reference, SourceNetwork, RecoveryLifeCycle; the DRS user guide's
//    Source networks page lists "CFN stack name – the name of the CloudFormation stack which was
//    used to deploy the launched VPC").
//  - A network job's log has DEPLOY_NETWORK_CONFIGURATION_* and UPDATE_NETWORK_CONFIGURATION_*
//    events whose eventResourceData.sourceNetworkData carries the `stackName` (DRS model:
//    JobLogEvent, SourceNetworkData); which of the two a new stack gets is *unconfirmed*, and
//    jobs say CREATE_NETWORK_RECOVERY or UPDATE_NETWORK_RECOVERY per job, not per network. So the
//    log only names the stack; whether this drill created it is CloudFormation's CreationTime: at
//    or after the network job's creation (a minute's tolerance for clocks), the drill created it
//    (a first deployment, deployAsNew, or a stack deleted since and deployed again); before it, a
//    previous recovery did and the drill only updated it: kept.
//  - CloudFormation (API reference, DescribeStacks, DeleteStack): a missing stack is ValidationError
//    "Stack with id X does not exist"; a deleted stack is found by its unique stack ID only (hence
//    deletion by ID, and polling by ID); DeleteStack of a stack that is gone is a no-op; DELETE_FAILED
//    carries a StackStatusReason and DeleteStack may be called again on it. A failed creation
//    leaves the stack in ROLLBACK_COMPLETE: still there, and the drill's to delete.
//  - VPC stacks often fail to delete for a while after their instances were terminated (network
//    interfaces still detaching: DependencyViolation), so DELETE_FAILED is retried a few times
//    before it counts as a failure.
import { isActiveJob } from '#shared/drs/jobs.ts';
import type { DrsNetworkPort, DrsPort, Job, JobLog } from '#shared/drs/port.ts';
import { isJobOfRun, runJobsSince, type RunRef } from '#shared/drs/run-ref.ts';
import { firstPoll, nextPoll } from '#shared/engine/polling.ts';
import { listForPeople } from '#shared/engine/state.ts';
import { isPastTimeout } from '#shared/engine/verdict.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { counted, plural } from '#shared/words.ts';
import { DrillNetworkRemovalIncompleteError } from './errors.ts';
import { NETWORK_JOB_WAVE } from './recovery.ts';
import type { NetworkStackPort } from './stacks.ts';
import type { NetworkRemoval, NetworkStackOutcome } from './state.ts';

/** VPC deletions take minutes; an hour means something holds a resource. */
export const NETWORK_REMOVAL_TIMEOUT_SECONDS = 60 * 60;
/** DeleteStack calls per stack before DELETE_FAILED counts as a failure (the first and two more). */
export const MAX_DELETE_ATTEMPTS = 3;
/** DRS's and CloudFormation's clocks may disagree this much. */
const CLOCK_TOLERANCE_MS = 60_000;
/** CloudFormation's reasons can be long; the state keeps IDs and short texts. */
const MAX_ERROR_LENGTH = 500;

/** A network one of the run's jobs recovered, and the stack DRS says it deployed for it. */
export interface RunNetwork {
  sourceNetworkID: string;
  jobID: string;
  jobCreatedAt: string;
  launchStatus: string;
  stackName?: string;
}

/** The run's source network jobs (tagged with its execution and the networks' wave tag), newest first. */
export function networkJobsOfRun(jobs: readonly Job[], run: Pick<RunRef, 'execution'>): Job[] {
  return jobs.filter((job) => isJobOfRun(job, run, NETWORK_JOB_WAVE));
}

/** The stack name DRS logged for each network of a job (DEPLOY_ and UPDATE_NETWORK_CONFIGURATION_* events). */
export function stackNamesInLog(log: readonly JobLog[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const item of log) {
    const data = item.eventData?.eventResourceData;
    const network = data !== undefined && 'sourceNetworkData' in data ? data.sourceNetworkData : undefined;
    if (/^(DEPLOY|UPDATE)_NETWORK_CONFIGURATION_/.test(item.event ?? '') && network?.sourceNetworkID !== undefined && network.stackName) {
      names.set(network.sourceNetworkID, network.stackName);
    }
  }
  return names;
}

/**
 * The networks of the run's network jobs (each once: a network's latest job), with the stack DRS
 * deployed for it as the job log names it.
 */
export async function networksOfRun(networkJobs: readonly Job[], drs: Pick<DrsPort, 'listJobLogItems'>): Promise<RunNetwork[]> {
  const found = new Map<string, RunNetwork>();
  for (const job of networkJobs) {
    const names = stackNamesInLog(await drs.listJobLogItems(job.jobID ?? ''));
    for (const resource of job.participatingResources ?? []) {
      const id = resource.participatingResourceID?.sourceNetworkID;
      if (id === undefined || found.has(id)) continue;
      found.set(id, { sourceNetworkID: id, jobID: job.jobID ?? '', jobCreatedAt: job.creationDateTime ?? '', launchStatus: resource.launchStatus ?? 'PENDING', stackName: names.get(id) });
    }
  }
  return [...found.values()];
}

/**
 * Names the stacks the logs did not: DescribeSourceNetworks' `cfnStackName`, when that network was
 * last recovered by the run's job (a later recovery may have deployed another stack since).
 */
async function namedFromDrs(networks: RunNetwork[], drs: Pick<DrsNetworkPort, 'listSourceNetworks'>): Promise<RunNetwork[]> {
  const unnamed = networks.filter((network) => network.stackName === undefined);
  if (unnamed.length === 0) return networks;
  const described = new Map((await drs.listSourceNetworks(unnamed.map((network) => network.sourceNetworkID))).map((network) => [network.sourceNetworkID ?? '', network]));
  return networks.map((network) => {
    const drsNetwork = described.get(network.sourceNetworkID);
    const named = network.stackName === undefined && drsNetwork?.lastRecovery?.jobID === network.jobID && drsNetwork.cfnStackName;
    return named ? { ...network, stackName: drsNetwork.cfnStackName } : network;
  });
}

const short = (text: string | undefined) => (text === undefined || text.length <= MAX_ERROR_LENGTH ? text : `${text.slice(0, MAX_ERROR_LENGTH - 1)}…`);

/** What to do with one network's stack, looked up once the run's network jobs ended. */
async function decide(network: RunNetwork, plan: Plan, stacks: NetworkStackPort): Promise<NetworkStackOutcome> {
  const { sourceNetworkID, stackName } = network;
  if (plan.sourceNetworks?.find((entry) => entry.id === sourceNetworkID)?.keepAfterDrill === true) {
    return { sourceNetworkID, stackName, outcome: 'kept', keptBecause: 'keepAfterDrill' };
  }
  // No name: DRS never got to deploy it (the job failed first), so there is no stack to look for.
  const stack = stackName === undefined ? undefined : await stacks.describeStack(stackName);
  if (stack === undefined || stack.status === 'DELETE_COMPLETE') return { sourceNetworkID, stackName, outcome: 'notFound' };
  if (Date.parse(stack.createdAt) < Date.parse(network.jobCreatedAt) - CLOCK_TOLERANCE_MS) {
    return { sourceNetworkID, stackName, stackId: stack.stackId, outcome: 'kept', keptBecause: 'existedBeforeDrill' };
  }
  await stacks.deleteStack(stack.stackId);
  return { sourceNetworkID, stackName, stackId: stack.stackId, outcome: 'deleting', deleteAttempts: 1 };
}

/** One look at a stack being deleted: removed, still deleting, deleted again after DELETE_FAILED, or failed for good. */
async function follow(entry: NetworkStackOutcome, stacks: NetworkStackPort): Promise<NetworkStackOutcome> {
  if (entry.outcome !== 'deleting' || entry.stackId === undefined) return entry;
  const stack = await stacks.describeStack(entry.stackId);
  if (stack === undefined || stack.status === 'DELETE_COMPLETE') return { ...entry, outcome: 'removed' };
  if (stack.status !== 'DELETE_FAILED') return entry;
  const attempts = entry.deleteAttempts ?? 1;
  if (attempts < MAX_DELETE_ATTEMPTS) {
    await stacks.deleteStack(entry.stackId);
    return { ...entry, deleteAttempts: attempts + 1 };
  }
  return { ...entry, outcome: 'failed', error: short(`DELETE_FAILED after ${attempts} attempts: ${stack.statusReason ?? 'CloudFormation gave no reason'}`) };
}

/**
 * One round of removing a drill's networks. The first rounds wait for the run's network jobs to
 * end (a stopped run may have one in flight); then each network's stack is looked up and the
 * drill's own are deleted by stack ID; later rounds follow the deletions. Done when no deletion is
 * under way; gives up with DrillNetworkRemovalIncompleteError after NETWORK_REMOVAL_TIMEOUT_SECONDS.
 */
export async function removeDrillNetworks(
  run: RunRef,
  plan: Plan,
  previous: NetworkRemoval | undefined,
  drs: DrsPort & DrsNetworkPort,
  stacks: NetworkStackPort,
): Promise<NetworkRemoval> {
  const discovered = previous?.discovered === true;
  let inFlight = 0;
  // One stack at a time: a plan has a handful of networks, and CloudFormation's API rates are modest.
  const entries: NetworkStackOutcome[] = [];
  if (discovered) {
    for (const entry of previous.stacks) entries.push(await follow(entry, stacks));
  } else {
    const networkJobs = networkJobsOfRun(await drs.listJobs({ fromDate: runJobsSince(run) }), run);
    inFlight = networkJobs.filter(isActiveJob).length;
    // A stack still being deployed can be neither judged nor deleted: wait for every network job to end.
    if (inFlight === 0) {
      for (const network of await namedFromDrs(await networksOfRun(networkJobs, drs), drs)) entries.push(await decide(network, plan, stacks));
    }
  }
  const deleting = entries.filter((entry) => entry.outcome === 'deleting');
  const signature = `${inFlight}/${deleting.length}/${deleting.reduce((sum, entry) => sum + (entry.deleteAttempts ?? 0), 0)}`;
  const poll = previous === undefined ? firstPoll(signature) : nextPoll(previous, signature);
  const removal: NetworkRemoval = {
    done: inFlight === 0 && deleting.length === 0,
    ...poll,
    networkJobsInFlight: inFlight,
    discovered: discovered || inFlight === 0,
    stacks: entries,
  };
  if (!removal.done && isPastTimeout(poll, NETWORK_REMOVAL_TIMEOUT_SECONDS)) {
    const what = inFlight > 0 ? [`${counted(inFlight, 'network job')} of the run still running`] : deleting.map((entry) => `${entry.stackName} (${entry.sourceNetworkID})`);
    throw new DrillNetworkRemovalIncompleteError(
      `drill network removal gave up after ${Math.round(poll.waitedSeconds / 60)} minutes: ${inFlight > 0 ? listForPeople(what) : `${plural(deleting.length, 'stack')} still being deleted: ${listForPeople(what)}`}; delete ${inFlight > 0 ? 'them' : plural(deleting.length, 'it', 'them')} in CloudFormation`,
    );
  }
  return removal;
}

/** The stacks a drill's removal left behind (failed, or still being deleted), for people. */
export function stacksLeft(entries: readonly NetworkStackOutcome[]): string[] {
  return entries
    .filter((entry) => entry.outcome === 'failed' || entry.outcome === 'deleting')
    .map((entry) => `${entry.stackName ?? '?'} (${entry.sourceNetworkID})${entry.error === undefined ? ': still being deleted' : `: ${entry.error}`}`);
}
