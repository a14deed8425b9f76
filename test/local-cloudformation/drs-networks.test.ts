// The local DRS service deploying recovered networks into the local CloudFormation service, as DRS
// does in AWS: StartSourceNetworkRecovery creates the network's stack (first deployment,
// deployAsNew) or updates the one deployed before, CREATE_COMPLETE when the network is LAUNCHED,
// ROLLBACK_COMPLETE when it FAILED; the job log says which (DEPLOY_ or UPDATE_NETWORK_CONFIGURATION_*).
// Driven by the real SDK clients; simulated time moved by the test.
import { DescribeJobLogItemsCommand, DescribeJobsCommand, StartSourceNetworkRecoveryCommand, type Job } from '@aws-sdk/client-drs';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloudFormation } from '#local/cloudformation/index.ts';
import { cloudFormationClientFor } from '#local/cloudformation/client.ts';
import { startLocalDrs, type LocalDrs } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { startCloudFormationFor } from '#local/runner/local-drs.ts';

/** The default scenario's payments VPC (its stack name: payments-vpc-recovery). */
const PAYMENTS_NETWORK = 'sn-0eab2ab7047b27968';

let drs: LocalDrs;
let cfn: LocalCloudFormation;

beforeEach(async () => {
  drs = await startLocalDrs({ speed: 0 });
  cfn = await startCloudFormationFor(drs);
});

afterEach(async () => {
  await Promise.all([drs.stop(), cfn.stop()]);
});

/** Starts a network recovery and moves simulated time until its job completes. */
async function recoverNetwork(deployAsNew = false, cfnStackName?: string): Promise<{ job: Job; events: string[] }> {
  const client = drsClientFor(drs);
  const { job } = await client.send(new StartSourceNetworkRecoveryCommand({ sourceNetworks: [{ sourceNetworkID: PAYMENTS_NETWORK, cfnStackName }], deployAsNew }));
  for (let minutes = 0; minutes < 30; minutes++) {
    const { items = [] } = await client.send(new DescribeJobsCommand({ filters: { jobIDs: [job!.jobID!] } }));
    if (items[0]?.status === 'COMPLETED') {
      const { items: log = [] } = await client.send(new DescribeJobLogItemsCommand({ jobID: job!.jobID! }));
      return { job: items[0], events: log.map((item) => item.event ?? '') };
    }
    drs.advanceBy(60);
  }
  throw new Error('the network job did not complete in 30 simulated minutes');
}

describe('network recovery into the local CloudFormation service', () => {
  it('creates the network\'s stack on its first deployment, CREATE_COMPLETE once LAUNCHED, at DRS\'s simulated time', async () => {
    const { job, events } = await recoverNetwork();

    const [stack] = cfn.state().stacks;
    expect(job).toMatchObject({ initiatedBy: 'CREATE_NETWORK_RECOVERY', participatingResources: [{ launchStatus: 'LAUNCHED' }] });
    expect(events).toEqual(['JOB_START', 'DEPLOY_NETWORK_CONFIGURATION_START', 'DEPLOY_NETWORK_CONFIGURATION_END', 'JOB_END']);
    expect(stack).toMatchObject({ stackName: 'payments-vpc-recovery', status: 'CREATE_COMPLETE', account: drs.accountId, region: drs.region });
    expect(Date.parse(stack.creationTime)).toBeGreaterThanOrEqual(Date.parse(job.creationDateTime!));
    const described = await cloudFormationClientFor(cfn, { credentials: drs.credentials }).send(new DescribeStacksCommand({ StackName: 'payments-vpc-recovery' }));
    expect(described.Stacks![0].StackStatus).toBe('CREATE_COMPLETE');
  });

  it('updates the stack deployed before on the next recovery, and creates a second one with deployAsNew', async () => {
    await recoverNetwork();
    const { job: update, events: updateEvents } = await recoverNetwork();
    const { job: asNew, events: asNewEvents } = await recoverNetwork(true);

    expect(update.initiatedBy).toBe('UPDATE_NETWORK_RECOVERY');
    expect(updateEvents).toContain('UPDATE_NETWORK_CONFIGURATION_END');
    expect(asNew.initiatedBy).toBe('CREATE_NETWORK_RECOVERY');
    expect(asNewEvents).toContain('DEPLOY_NETWORK_CONFIGURATION_END');
    expect(cfn.state().stacks.map((stack) => [stack.stackName, stack.status])).toEqual([
      ['payments-vpc-recovery', 'UPDATE_COMPLETE'],
      [expect.stringMatching(/^drs-network-sn-0eab2ab7047b27968-\d{8}T\d{6}$/), 'CREATE_COMPLETE'],
    ]);
  });

  it('leaves a failed deployment\'s stack ROLLBACK_COMPLETE, and fails a deployAsNew whose name is taken', async () => {
    drs.injectFault({ type: 'networkFailure', sourceNetworkID: PAYMENTS_NETWORK, rawError: 'CREATE_FAILED: subnet CIDR overlaps' });
    const { job: failed } = await recoverNetwork();
    drs.clearFaults();
    const { job: taken } = await recoverNetwork(true, 'payments-vpc-recovery');

    expect(failed.participatingResources![0].launchStatus).toBe('FAILED');
    expect(cfn.state().stacks).toEqual([expect.objectContaining({ stackName: 'payments-vpc-recovery', status: 'ROLLBACK_COMPLETE', statusReason: 'CREATE_FAILED: subnet CIDR overlaps' })]);
    expect(taken.participatingResources![0].launchStatus).toBe('FAILED');
  });
});
