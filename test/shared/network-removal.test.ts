// The removal of a drill's network stacks over plain data: which stacks are the drill's, what
// happens when DRS's log names none, and giving up on a deletion that never ends. End to end
// (the state machines, the local DRS and CloudFormation services): test/e2e/network-removal.test.ts.
import { describe, expect, it } from 'vitest';
import { jobTags } from '#shared/drs/run-ref.ts';
import type { Job, JobLog } from '#shared/drs/port.ts';
import { NETWORK_JOB_WAVE } from '#shared/network/recovery.ts';
import { removeDrillNetworks } from '#shared/network/removal.ts';
import type { NetworkStack, NetworkStackPort } from '#shared/network/stacks.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { fakeDrs } from '../support/fake-drs.ts';
import { testRun } from '../support/runs.ts';

const run = testRun({ sourceNetworks: 1 });
const NETWORK = 'sn-0eab2ab7047b27968';
const plan: Plan = { name: 'shop', targets: { rtoMinutes: 60, rpoMinutes: 15 }, sourceNetworks: [{ id: NETWORK }], waves: [{ name: 'db', servers: { ids: ['s-00000000000000001'] } }] };

/** The run's network job, finished, created a minute after the run started. */
function networkJob(launchStatus = 'LAUNCHED'): Job {
  return {
    jobID: 'drsjob-00000000000000001',
    type: 'LAUNCH',
    status: 'COMPLETED',
    creationDateTime: '2026-01-01T00:01:00Z',
    tags: jobTags(run, NETWORK_JOB_WAVE),
    participatingResources: [{ participatingResourceID: { sourceNetworkID: NETWORK }, launchStatus: launchStatus as 'LAUNCHED' }],
  };
}

/** CloudFormation over plain data: stacks by name and ID, deletions recorded, statuses set by the test. */
function fakeStacks(stacks: NetworkStack[]): NetworkStackPort & { deleted: string[]; stacks: NetworkStack[] } {
  return {
    stacks,
    deleted: [],
    async describeStack(nameOrId) {
      return stacks.find((stack) => stack.stackId === nameOrId || (stack.stackName === nameOrId && stack.status !== 'DELETE_COMPLETE'));
    },
    async deleteStack(stackId) {
      this.deleted.push(stackId);
      const stack = stacks.find((candidate) => candidate.stackId === stackId);
      if (stack !== undefined) stack.status = 'DELETE_IN_PROGRESS';
    },
  };
}

const stack = (name: string, createdAt: string): NetworkStack => ({ stackId: `arn:aws:cloudformation:us-east-1:111122223333:stack/${name}/1`, stackName: name, status: 'CREATE_COMPLETE', createdAt });

describe('removing a drill\'s network stacks', () => {
  it('takes the stack name from DescribeSourceNetworks when the job log names none, if the network was last recovered by the run\'s job', async () => {
    const drs = fakeDrs({
      jobs: [networkJob()],
      sourceNetworks: [{ sourceNetworkID: NETWORK, cfnStackName: 'payments-vpc', lastRecovery: { jobID: 'drsjob-00000000000000001' } }],
    });
    const stacks = fakeStacks([stack('payments-vpc', '2026-01-01T00:02:00Z')]);

    const removal = await removeDrillNetworks(run, plan, undefined, drs, stacks);

    expect(removal).toMatchObject({ done: false, discovered: true, stacks: [{ sourceNetworkID: NETWORK, stackName: 'payments-vpc', outcome: 'deleting', deleteAttempts: 1 }] });
    expect(stacks.deleted).toEqual([stacks.stacks[0].stackId]);
  });

  it('deletes nothing when neither the log nor DRS names a stack for the network (its deployment never started)', async () => {
    const drs = fakeDrs({ jobs: [networkJob('FAILED')], sourceNetworks: [{ sourceNetworkID: NETWORK }] });
    const stacks = fakeStacks([]);

    const removal = await removeDrillNetworks(run, plan, undefined, drs, stacks);

    expect(removal).toMatchObject({ done: true, stacks: [{ sourceNetworkID: NETWORK, outcome: 'notFound' }] });
    expect(stacks.deleted).toEqual([]);
  });

  it('keeps a stack CloudFormation created before the drill\'s network job, more than a minute of clock difference earlier', async () => {
    const log: JobLog[] = [{ event: 'UPDATE_NETWORK_CONFIGURATION_END', eventData: { eventResourceData: { sourceNetworkData: { sourceNetworkID: NETWORK, stackName: 'payments-vpc' } } } }];
    const drs = fakeDrs({ jobs: [networkJob()], jobLog: log });
    const stacks = fakeStacks([stack('payments-vpc', '2025-12-31T23:59:00Z')]);

    const removal = await removeDrillNetworks(run, plan, undefined, drs, stacks);

    expect(removal.stacks).toEqual([{ sourceNetworkID: NETWORK, stackName: 'payments-vpc', stackId: stacks.stacks[0].stackId, outcome: 'kept', keptBecause: 'existedBeforeDrill' }]);
    expect(stacks.deleted).toEqual([]);
  });

  it('gives up after an hour on a stack still being deleted, naming it', async () => {
    const drs = fakeDrs();
    const stacks = fakeStacks([{ ...stack('payments-vpc', '2026-01-01T00:02:00Z'), status: 'DELETE_IN_PROGRESS' }]);
    const deleting = { sourceNetworkID: NETWORK, stackName: 'payments-vpc', stackId: stacks.stacks[0].stackId, outcome: 'deleting' as const, deleteAttempts: 1 };

    const rounds = removeDrillNetworks(run, plan, { done: false, pollSeconds: 120, waitedSeconds: 3540, progressSignature: '0/1/1', networkJobsInFlight: 0, discovered: true, stacks: [deleting] }, drs, stacks);

    await expect(rounds).rejects.toMatchObject({ name: 'DrillNetworkRemovalIncompleteError', message: expect.stringContaining(`payments-vpc (${NETWORK})`) });
  });
});
