// Source network recovery before the first wave, through the real recovery state machine against
// the local DRS service: the example plan lists the payments VPC.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { causeOf, instancesInDrs, runPlan } from './harness.ts';

/** The default scenario's payments VPC. */
const PAYMENTS_NETWORK = 'sn-0eab2ab7047b27968';
/** The example plan, with the payments VPC to recover before its first wave. */
const planWithNetwork = readFileSync('plans/example.yaml', 'utf8').replace(
  /^waves:$/m,
  `sourceNetworks:\n  - { id: ${PAYMENTS_NETWORK}, cfnStackName: payments-vpc-recovery }\nwaves:`,
);

describe('source network recovery', () => {
  it('deploys the plan\'s source network before the first wave starts, tagged with the plan and the execution', async () => {
    const { result, report, drs } = await runPlan({ input: { plan: 'payments', mode: 'recovery' }, plan: planWithNetwork });

    expect(result.status).toBe('SUCCEEDED');
    const jobs = drs.state().jobs;
    const networkJobs = jobs.filter((job) => (job.participatingResources ?? []).length > 0);
    expect(networkJobs).toHaveLength(1);
    expect(report.sourceNetworks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, jobID: networkJobs[0].jobID, launchStatus: 'LAUNCHED' }]);
    expect(report.waves.flatMap((wave) => wave.servers)).toHaveLength(11);
    expect(networkJobs[0].participatingResources).toEqual([{ participatingResourceID: { sourceNetworkID: PAYMENTS_NETWORK }, launchStatus: 'LAUNCHED' }]);
    expect(networkJobs[0].tags).toMatchObject({ 'drs-orchestrator:plan': 'payments', 'drs-orchestrator:execution': result.executionName });
    const network = drs.state().sourceNetworks.find((candidate) => candidate.sourceNetworkID === PAYMENTS_NETWORK);
    expect(network).toMatchObject({ cfnStackName: 'payments-vpc-recovery', launchedVpcID: expect.stringMatching(/^vpc-/) });
    // The first wave starts only once the network is up.
    const firstLaunch = jobs.filter((job) => job.type === 'LAUNCH' && (job.participatingServers ?? []).length > 0).map((job) => job.creationDateTime ?? '').sort()[0];
    expect(firstLaunch >= (networkJobs[0].endDateTime ?? '')).toBe(true);
    expect(drs.countCalls('StartSourceNetworkRecovery')).toBe(1);
    await drs.stop();
  });

  it('a network that fails to deploy stops the plan before any launch, names the network and DRS\'s reason, and a drill still cleans up', async () => {
    const { result, report, drs, events } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: planWithNetwork,
      faults: [{ type: 'networkFailure', sourceNetworkID: PAYMENTS_NETWORK, rawError: 'CREATE_FAILED: subnet CIDR overlaps' }],
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('SourceNetworkRecoveryFailedError');
    expect(causeOf(result)).toContain(PAYMENTS_NETWORK);
    expect(causeOf(result)).toContain('subnet CIDR overlaps');
    expect(report.status).toBe('FAILED');
    expect(report.waves.every((wave) => wave.status === 'NOT_STARTED')).toBe(true);
    expect(report.sourceNetworks).toEqual([expect.objectContaining({ sourceNetworkID: PAYMENTS_NETWORK, launchStatus: 'FAILED' })]);
    expect(drs.countCalls('StartRecovery')).toBe(0);
    // The drill went through its clean-up (nothing to terminate) and reported it.
    expect(report.cleanup).toMatchObject({ instancesLaunched: 0, instancesLeft: 0 });
    expect(instancesInDrs(drs, true)).toBe(0);
    expect(events.map((event) => event['detail-type'])).toEqual(['Run Started', 'Clean-up Completed', 'Run Failed']);
    await drs.stop();
  });

  it('a source network that does not exist stops the run at preflight, named with the server problems, before any network or server is started', async () => {
    const missing = 'sn-0123456789abcdefg';
    const plan = readFileSync('plans/example.yaml', 'utf8').replace(
      /^waves:$/m,
      `sourceNetworks:\n  - { id: ${PAYMENTS_NETWORK} }\n  - { id: ${missing} }\nwaves:`,
    );

    const { result, report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan,
      faults: [{ type: 'stallReplication', hostname: 'payments-db-1' }],
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PreflightFailedError');
    expect(causeOf(result)).toContain(`sourceNetworks[1]: source network ${missing} does not exist in the orchestrator's account and Region`);
    expect(causeOf(result)).toMatch(/\(payments-db-1\) is not replicating continuously/);
    expect(causeOf(result)).not.toContain(`source network ${PAYMENTS_NETWORK}`);
    expect(report.waves.every((wave) => wave.status === 'NOT_STARTED')).toBe(true);
    expect(drs.countCalls('DescribeSourceNetworks')).toBeGreaterThan(0);
    expect(drs.countCalls('StartSourceNetworkRecovery')).toBe(0);
    expect(drs.countCalls('StartRecovery')).toBe(0);
    await drs.stop();
  });

  it('a plan without source networks goes straight to its first wave', async () => {
    const { result, drs } = await runPlan({ input: { plan: 'payments', mode: 'recovery', waves: ['databases'] } });

    expect(result.status).toBe('SUCCEEDED');
    expect(drs.countCalls('StartSourceNetworkRecovery')).toBe(0);
    await drs.stop();
  });
});
