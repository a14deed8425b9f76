// A drill removes the network stacks it deployed, through the real state machines (the recovery
// workflow, and the stopped-run workflow after an abort), the built handlers and the SDK over HTTP
// to the local DRS and CloudFormation services. Stacks are counted from the local CloudFormation
// service's state, never from the report; the report is then checked to say the same.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudFormationScenario, LocalCloudFormation } from '#local/cloudformation/index.ts';
import { startLocalDrs, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { startCloudFormationFor } from '#local/runner/local-drs.ts';
import type { RunReport } from '#shared/report/report.ts';
import { scenarioObjectOf } from '../support/scenario-file.ts';
import { causeOf, instancesInDrs, runPlan } from './harness.ts';

/** The default scenario's payments VPC; DRS's record names its stack payments-vpc-recovery. */
const PAYMENTS_NETWORK = 'sn-0eab2ab7047b27968';
const STACK = 'payments-vpc-recovery';

/** The example plan, recovering the payments VPC before its first wave (`entry`: more of its settings). */
function planWithNetwork(entry = ''): string {
  return readFileSync('plans/example.yaml', 'utf8').replace(/^waves:$/m, `sourceNetworks:\n  - { id: ${PAYMENTS_NETWORK}${entry} }\nwaves:`);
}

/** The default scenario with a `cloudFormation:` block. */
function scenarioWith(cloudFormation: CloudFormationScenario): Scenario {
  return { ...scenarioObjectOf('scenarios/default.yaml'), cloudFormation };
}

let services: Array<LocalDrs | LocalCloudFormation> = [];

/** A local DRS service in frozen simulated time and a local CloudFormation service it deploys networks into. */
async function start(scenario?: Scenario): Promise<{ drs: LocalDrs; cfn: LocalCloudFormation }> {
  const drs = await startLocalDrs({ speed: 0, scenario });
  const cfn = await startCloudFormationFor(drs);
  services.push(drs, cfn);
  return { drs, cfn };
}

afterEach(async () => {
  await Promise.all(services.map((service) => service.stop()));
  services = [];
});

describe('a drill removes the network stacks it deployed', () => {
  it('a drill with source networks leaves no stack: the one DRS created is deleted once the drill instances are gone, and the report lists it removed', async () => {
    const { drs, cfn } = await start();

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWithNetwork(), drs, cloudFormation: cfn });

    expect(result.status).toBe('SUCCEEDED');
    expect(cfn.state().stacks).toEqual([]);
    const [deleted] = cfn.state({ includeDeleted: true }).stacks;
    expect(deleted).toMatchObject({ stackName: STACK, status: 'DELETE_COMPLETE', deleteAttempts: 1 });
    expect(instancesInDrs(drs, true)).toBe(0);
    // Deleted after the drill's instances were terminated, not before.
    const terminated = drs.state().jobs.filter((job) => job.type === 'TERMINATE').map((job) => job.endDateTime ?? '');
    expect(terminated.length).toBeGreaterThan(0);
    expect(cfn.calls().find((call) => call.action === 'DeleteStack')!.at >= terminated.sort().at(-1)!).toBe(true);
    expect(report.networkStacks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, stackName: STACK, outcome: 'removed' }]);
    expect(report.status).toBe('SUCCEEDED');
  });

  it('a drill aborted mid-wave leaves no stack: the stopped-run workflow removes it after its clean-up, and its report says so', async () => {
    const { drs, cfn } = await start();

    const { result } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWithNetwork(), drs, cloudFormation: cfn, abortAt: { state: 'WaitForLaunch', entry: 1 } });

    expect(result.status).toBe('ABORTED');
    expect(result.afterStop?.status).toBe('SUCCEEDED');
    expect(result.afterStop?.lambdaInvocations.RemoveDrillNetworks).toBeGreaterThan(0);
    expect(cfn.state().stacks).toEqual([]);
    expect(cfn.state({ includeDeleted: true }).stacks.map((stack) => stack.status)).toEqual(['DELETE_COMPLETE']);
    expect(instancesInDrs(drs, true)).toBe(0);
    const report = JSON.parse(await readFile(result.reportPath ?? '', 'utf8')) as RunReport;
    expect(report.status).toBe('ABORTED');
    expect(report.networkStacks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, stackName: STACK, outcome: 'removed' }]);
  });

  it('a drill aborted while its network deploys: the removal waits for the deployment to end, then deletes the stack', async () => {
    const { drs, cfn } = await start();

    const { result } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWithNetwork(), drs, cloudFormation: cfn, abortAt: { state: 'WaitForSourceNetworks', entry: 1 } });

    expect(result.status).toBe('ABORTED');
    expect(result.afterStop?.status).toBe('SUCCEEDED');
    // At least one round found the network job still running and waited.
    expect(result.afterStop?.lambdaInvocations.RemoveDrillNetworks).toBeGreaterThan(2);
    expect(drs.countCalls('StartRecovery')).toBe(0);
    expect(cfn.state().stacks).toEqual([]);
    expect(cfn.state({ includeDeleted: true }).stacks.map((stack) => stack.status)).toEqual(['DELETE_COMPLETE']);
  });

  it('a recovery keeps its stack, and the report says why', async () => {
    const { drs, cfn } = await start();

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'recovery' }, plan: planWithNetwork(), drs, cloudFormation: cfn });

    expect(result.status).toBe('SUCCEEDED');
    expect(cfn.state().stacks.map((stack) => [stack.stackName, stack.status])).toEqual([[STACK, 'CREATE_COMPLETE']]);
    expect(cfn.countCalls('DeleteStack')).toBe(0);
    expect(result.lambdaInvocations.RemoveDrillNetworks ?? 0).toBe(0);
    expect(report.networkStacks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, stackName: STACK, outcome: 'kept', keptBecause: 'recovery' }]);
  });

  it('a network the plan marks keepAfterDrill keeps its stack after the drill', async () => {
    const { drs, cfn } = await start();

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWithNetwork(', keepAfterDrill: true'), drs, cloudFormation: cfn });

    expect(result.status).toBe('SUCCEEDED');
    expect(instancesInDrs(drs, true)).toBe(0);
    expect(cfn.state().stacks.map((stack) => [stack.stackName, stack.status])).toEqual([[STACK, 'CREATE_COMPLETE']]);
    expect(cfn.countCalls('DeleteStack')).toBe(0);
    expect(report.networkStacks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, stackName: STACK, outcome: 'kept', keptBecause: 'keepAfterDrill' }]);
  });

  it('a stack a previous recovery deployed, which the drill only updated, is kept', async () => {
    const { drs, cfn } = await start(scenarioWith({ stacks: [{ name: STACK, createdAt: '2026-01-01T00:00:00Z' }] }));

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWithNetwork(), drs, cloudFormation: cfn });

    expect(result.status).toBe('SUCCEEDED');
    expect(drs.state().jobs.find((job) => (job.participatingResources ?? []).length > 0)?.initiatedBy).toBe('UPDATE_NETWORK_RECOVERY');
    expect(cfn.state().stacks.map((stack) => [stack.stackName, stack.status, stack.creationTime])).toEqual([[STACK, 'UPDATE_COMPLETE', '2026-01-01T00:00:00.000Z']]);
    expect(cfn.countCalls('DeleteStack')).toBe(0);
    expect(report.networkStacks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, stackName: STACK, outcome: 'kept', keptBecause: 'existedBeforeDrill' }]);
  });

  it('a stack whose deletion fails is retried, then reported: the run fails naming the stack and CloudFormation\'s reason, and the stack is still there', async () => {
    const reason = "The following resource(s) failed to delete: [VPC]. The vpc 'vpc-0123' has dependencies and cannot be deleted.";
    const { drs, cfn } = await start(scenarioWith({ faults: [{ type: 'deleteFailure', stackName: STACK, reason }] }));

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWithNetwork(), drs, cloudFormation: cfn });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('DrillNetworkRemovalIncompleteError');
    expect(causeOf(result)).toContain(`${STACK} (${PAYMENTS_NETWORK})`);
    expect(causeOf(result)).toContain('has dependencies and cannot be deleted');
    expect(cfn.state().stacks.map((stack) => [stack.stackName, stack.status, stack.deleteAttempts])).toEqual([[STACK, 'DELETE_FAILED', 3]]);
    expect(instancesInDrs(drs, true)).toBe(0);
    expect(report.status).toBe('FAILED');
    expect(report.networkStacks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, stackName: STACK, outcome: 'failed', error: `DELETE_FAILED after 3 attempts: ${reason}` }]);
  });

  it('a drill whose clean-up fails does not delete its network (its instances may still be in it), and the run names the stack left', async () => {
    const { drs, cfn } = await start();

    const { result, report } = await runPlan({
      input: { plan: 'payments', mode: 'drill', waves: ['databases'] },
      plan: planWithNetwork(),
      drs,
      cloudFormation: cfn,
      faults: [{ type: 'serverError', operations: ['TerminateRecoveryInstances'], count: 1000 }],
    });

    expect(result.status).toBe('FAILED');
    expect(result.lambdaInvocations.RemoveDrillNetworks ?? 0).toBe(0);
    expect(cfn.state().stacks.map((stack) => [stack.stackName, stack.status])).toEqual([[STACK, 'CREATE_COMPLETE']]);
    expect(report.networkStacks).toEqual([{ sourceNetworkID: PAYMENTS_NETWORK, stackName: STACK, outcome: 'kept', keptBecause: 'instancesLeft' }]);
    expect(report.cause).toContain(`and the drill left 1 network stack: ${STACK} (${PAYMENTS_NETWORK})`);
  });

  it('a deletion that fails once (dependencies still detaching) succeeds when deleted again', async () => {
    const { drs, cfn } = await start(scenarioWith({ faults: [{ type: 'deleteFailure', stackName: STACK, times: 1 }] }));

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWithNetwork(), drs, cloudFormation: cfn });

    expect(result.status).toBe('SUCCEEDED');
    expect(cfn.state().stacks).toEqual([]);
    expect(cfn.state({ includeDeleted: true }).stacks.map((stack) => stack.deleteAttempts)).toEqual([2]);
    expect(report.networkStacks.map((stack) => stack.outcome)).toEqual(['removed']);
  });
});
