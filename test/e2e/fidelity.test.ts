// What real AWS does that a naive orchestrator ignores, executed end to end (ASL → built handlers
// → AWS SDK → HTTP → local DRS service): a response lost after DRS processed the request, a launch
// configuration with post-launch actions disabled, an SSM agent DRS never discovers.
import { readFile } from 'node:fs/promises';
import { UpdateLaunchConfigurationCommand } from '@aws-sdk/client-drs';
import { describe, expect, it } from 'vitest';
import { startLocalDrs, type Fault, type LocalDrs } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { causeOf, hostnamesOf, instancesInDrs, runPlan } from './harness.ts';

/** How many LAUNCH jobs each source server took part in. */
function launchesPerServer(drs: LocalDrs, initiatedBy: string): number[] {
  const count = new Map<string, number>();
  for (const job of drs.state().jobs.filter((candidate) => candidate.type === 'LAUNCH' && candidate.initiatedBy === initiatedBy)) {
    for (const server of job.participatingServers ?? []) count.set(server.sourceServerID ?? '', (count.get(server.sourceServerID ?? '') ?? 0) + 1);
  }
  return [...count.values()];
}

const lost = (operation: string, how: 'serverError' | 'reset'): Fault => ({ type: 'lostResponse', operations: [operation], count: 1, how });

describe('a response lost after DRS processed the request leads to exactly one job', () => {
  for (const how of ['serverError', 'reset'] as const) {
    it(`StartRecovery (${how}): the retried step reads the job back and starts nothing twice`, async () => {
      const { result, drs } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, faults: [lost('StartRecovery', how)] });

      expect(result.status).toBe('SUCCEEDED');
      expect(drs.calls().filter((call) => call.operation === 'StartRecovery')).toHaveLength(3); // one per wave, none resent
      expect(drs.calls().filter((call) => call.operation === 'StartRecovery' && call.lostResponse !== undefined)).toHaveLength(1);
      expect(launchesPerServer(drs, 'START_DRILL')).toEqual(Array(11).fill(1));
      expect(instancesInDrs(drs, true)).toBe(0);
      await drs.stop();
    });
  }

  it('TerminateRecoveryInstances: the clean-up round after the lost answer finds the TERMINATE job and sends no second one', async () => {
    const { result, report, drs } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, faults: [lost('TerminateRecoveryInstances', 'reset')] });

    expect(result.status).toBe('SUCCEEDED');
    expect(drs.countCalls('TerminateRecoveryInstances')).toBe(1);
    expect(drs.state().jobs.filter((job) => job.type === 'TERMINATE')).toHaveLength(1);
    expect(report.cleanup).toMatchObject({ instancesLaunched: 11, instancesLeft: 0 });
    expect(instancesInDrs(drs, true)).toBe(0);
    await drs.stop();
  });

  it('StartFailbackLaunch: each on-premises instance fails back in exactly one job', async () => {
    const drs = await startLocalDrs({ speed: 0 });
    const recovery = await runPlan({ input: { plan: 'payments', mode: 'recovery' }, drs });
    expect(recovery.result.status).toBe('SUCCEEDED');
    drs.injectFault(lost('StartFailbackLaunch', 'serverError'));
    const failback = await runPlan({ input: { plan: 'payments', mode: 'failback' }, drs });

    expect(failback.result.status).toBe('SUCCEEDED');
    expect(drs.calls().filter((call) => call.operation === 'StartFailbackLaunch' && call.lostResponse !== undefined)).toHaveLength(1);
    expect(launchesPerServer(drs, 'FAILBACK')).toEqual(Array(9).fill(1));
    await drs.stop();
  });
});

describe('launch configuration and the SSM agent', () => {
  it('a server whose launch configuration disables post-launch actions is not waited for, and the report says so', async () => {
    const drs = await startLocalDrs({ speed: 0 });
    const db1 = [...hostnamesOf(drs)].find(([, hostname]) => hostname === 'payments-db-1')?.[0] ?? '';
    await drsClientFor(drs).send(new UpdateLaunchConfigurationCommand({ sourceServerID: db1, postLaunchEnabled: false }));

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill', waves: ['databases'] }, drs });

    expect(result.status).toBe('SUCCEEDED');
    const databases = report.waves[0];
    expect(databases.warnings.join('\n')).toMatch(new RegExp(`1 server has post-launch actions but its launch configuration disables them .*not waited for: ${db1}`));
    expect(databases.servers.find((server) => server.sourceServerID === db1)?.postLaunchActions).toEqual([]);
    await drs.stop();
  });

  it('an SSM agent never discovered is a named failure after ssmAgentTimeoutMinutes, not a silent wave timeout; the drill still cleans up', async () => {
    const { result, report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [{ type: 'ssmAgentNeverDiscovered', hostname: 'payments-db-1' }],
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('WaveFailedError');
    expect(causeOf(result)).toMatch(/wave "databases": 1 of 3 servers failed, failure budget 0: s-\w+ \(payments-db-1\): SSM agent not discovered 10 minutes after launch/);
    expect(report.waves[0].status).toBe('FAILED');
    expect(report.cause).toMatch(/\(payments-db-1\): SSM agent not discovered/);
    expect(instancesInDrs(drs, true)).toBe(0);
    await drs.stop();
  });

  it('within the wave budget the run goes on without that server', async () => {
    const lenient = (await readFile('plans/example.yaml', 'utf8')).replace(/defaults:\n/, 'defaults:\n  ssmAgentTimeoutMinutes: 5\n').replace(/failureBudget: 0/, 'failureBudget: 1');
    const { result, report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill', waves: ['databases'] },
      plan: lenient,
      faults: [{ type: 'ssmAgentNeverDiscovered', hostname: 'payments-db-1' }],
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(report.waves[0].status).toBe('SUCCEEDED_WITH_FAILURES');
    expect(report.failures).toEqual([expect.objectContaining({ hostname: 'payments-db-1', what: 'SSM agent', error: expect.stringMatching(/SSM agent not discovered 5 minutes after launch/) })]);
    await drs.stop();
  });
});
