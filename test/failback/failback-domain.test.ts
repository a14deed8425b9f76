// Unit tests of the failback and network domain functions, over plain-data fakes of the DRS port.
import { describe, expect, it } from 'vitest';
import type { Job, RecoveryInstance, SourceServer } from '#shared/drs/port.ts';
import { parseSourceServerArn } from '#shared/failback/instances.ts';
import { checkFailbackInput, prepareFailback } from '#shared/failback/run.ts';
import type { FailbackRun } from '#shared/failback/state.ts';
import { startFailbackWave, stopStartedFailbacks } from '#shared/failback/waves.ts';
import { checkSourceNetworks, recoverSourceNetworks } from '#shared/network/recovery.ts';
import { parsePlan } from '#shared/plan/load.ts';
import { parseExecutionInput } from '#shared/recovery/run.ts';
import type { Run } from '#shared/recovery/state.ts';
import { fakeDrs } from '../support/fake-drs.ts';

const plan = parsePlan(
  `name: shop
targets: { rtoMinutes: 60, rpoMinutes: 15 }
sourceNetworks:
  - { id: sn-00000000000000001 }
  - { id: sn-00000000000000002, deployAsNew: true }
waves:
  - { name: db, servers: { tags: { Tier: db } } }
  - { name: web, servers: { tags: { Tier: web } } }
`,
  'shop.yaml',
);

const recoveryJob = (jobID: string, execution: string, wave: string, servers: Array<[string, string]>): Job => ({
  jobID,
  type: 'LAUNCH',
  initiatedBy: 'START_RECOVERY',
  status: 'COMPLETED',
  tags: { 'drs-orchestrator:plan': 'shop', 'drs-orchestrator:execution': execution, 'drs-orchestrator:wave': wave },
  participatingServers: servers.map(([sourceServerID, recoveryInstanceID]) => ({ sourceServerID, recoveryInstanceID, launchStatus: 'LAUNCHED' })),
});

/** The fake DRS with its recorded calls, as these tests name them. */
function fakeDrsOf(jobs: Job[], instances: RecoveryInstance[] = [], servers: SourceServer[] = []) {
  const port = fakeDrs({
    jobs,
    instances,
    servers,
    jobLog: [{ event: 'DEPLOY_NETWORK_CONFIGURATION_FAILED', eventData: { rawError: 'stack rolled back', eventResourceData: { sourceNetworkData: { sourceNetworkID: 'sn-00000000000000002' } } } }],
  });
  return { port, calls: port.calls, jobs: port.jobs };
}

const failbackInput = (extra: Record<string, unknown> = {}) => parseExecutionInput({ plan: 'shop', mode: 'failback', ...extra });

describe('preparing a failback', () => {
  it('fails back the plan\'s latest recovery, its waves in reverse order', async () => {
    const { port } = fakeDrsOf([
      recoveryJob('drsjob-00000000000000004', 'shop-recovery-2', 'web', [['s-00000000000000002', 'i-00000000000000002']]),
      recoveryJob('drsjob-00000000000000003', 'shop-recovery-2', 'db', [['s-00000000000000001', 'i-00000000000000001']]),
      recoveryJob('drsjob-00000000000000001', 'shop-recovery-1', 'db', [['s-00000000000000001', 'i-0000000000000000a']]),
    ]);
    const run = await prepareFailback(failbackInput(), plan, 'shop-failback-1', '2026-01-01T00:00:00Z', port);

    expect(run.recoveryExecution).toBe('shop-recovery-2');
    expect(run.waves).toEqual([
      { name: 'web', recoveryJobIDs: ['drsjob-00000000000000004'] },
      { name: 'db', recoveryJobIDs: ['drsjob-00000000000000003'] },
    ]);
  });

  it('names the plan\'s recoveries when the requested one does not exist, and ignores drills', async () => {
    const drill: Job = { ...recoveryJob('drsjob-00000000000000009', 'shop-drill-1', 'db', []), initiatedBy: 'START_DRILL' };
    const { port } = fakeDrsOf([drill, recoveryJob('drsjob-00000000000000001', 'shop-recovery-1', 'db', [['s-00000000000000001', 'i-0000000000000000a']])]);

    await expect(prepareFailback(failbackInput({ recoveryExecution: 'shop-drill-1' }), plan, 'f', '2026-01-01T00:00:00Z', port)).rejects.toThrow(
      /recovery execution "shop-drill-1" .* recoveries of the plan: shop-recovery-1/,
    );
  });

  it('terminating recovery instances needs the plan name as confirmation; failback fields need mode failback', () => {
    expect(() => checkFailbackInput(failbackInput({ terminateRecoveryInstances: true }), plan)).toThrow(/"confirmTermination": "shop"/);
    expect(() => checkFailbackInput(failbackInput({ terminateRecoveryInstances: true, confirmTermination: 'shop' }), plan)).not.toThrow();
    expect(() => parseExecutionInput({ plan: 'shop', mode: 'recovery', check: true })).toThrow(/check applies to failback only/);
  });

  it('reads the Region and the server from a reversed source server ARN', () => {
    expect(parseSourceServerArn('arn:aws:drs:us-west-2:111122223333:source-server/s-0123456789abcdef0')).toEqual({ region: 'us-west-2', sourceServerID: 's-0123456789abcdef0' });
  });
});

describe('a failback wave', () => {
  const run: FailbackRun = {
    plan: 'shop',
    mode: 'failback',
    execution: 'shop-failback-1',
    startedAt: '2026-01-01T00:00:00Z',
    recoveryExecution: 'shop-recovery-1',
    waves: [{ name: 'db', recoveryJobIDs: ['drsjob-00000000000000001'] }],
    check: false,
    terminateRecoveryInstances: false,
  };
  const setUp = () =>
    fakeDrsOf(
      [recoveryJob('drsjob-00000000000000001', 'shop-recovery-1', 'db', [['s-00000000000000001', 'i-00000000000000001'], ['s-00000000000000002', 'i-00000000000000002']])],
      [
        { recoveryInstanceID: 'i-00000000000000001', sourceServerID: 's-00000000000000001', originEnvironment: 'ON_PREMISES', isDrill: false, failback: { state: 'FAILBACK_READY_FOR_LAUNCH' } },
        { recoveryInstanceID: 'i-00000000000000002', sourceServerID: 's-00000000000000002', originEnvironment: 'ON_PREMISES', isDrill: false, failback: { state: 'FAILBACK_IN_PROGRESS' } },
      ],
      [{ sourceServerID: 's-00000000000000001' }, { sourceServerID: 's-00000000000000002' }],
    );

  it('launches the ready instance once, even when the step is retried, and waits for the other', async () => {
    const { port, calls } = setUp();
    const first = await startFailbackWave({ run }, plan, port, () => port);
    const retried = await startFailbackWave({ run }, plan, port, () => port);

    expect(calls.filter(([operation]) => operation === 'StartFailbackLaunch')).toEqual([['StartFailbackLaunch', ['i-00000000000000001']]]);
    expect(retried).toMatchObject({ onPremises: 2, launching: 1, waitingForReadiness: 1, launchDone: false, failbackJobIDs: first.failbackJobIDs });
  });

  it('a failed run stops the failback launches it started that did not complete', async () => {
    const { port, calls } = setUp();
    await startFailbackWave({ run }, plan, port, () => port);

    expect(await stopStartedFailbacks(run, port)).toEqual({ stopped: 1 });
    expect(calls.at(-1)).toEqual(['StopFailback', 'i-00000000000000001']);
  });
});

describe('source network recovery', () => {
  const run = { plan: 'shop', mode: 'drill', execution: 'shop-drill-1', startedAt: '2026-01-01T00:00:00Z' } as Run;

  it('starts one call per deployAsNew value, tagged with the run, and never twice', async () => {
    const { port, calls } = fakeDrsOf([]);
    const state = await recoverSourceNetworks(run, plan, port);
    await recoverSourceNetworks(run, plan, port);

    expect(calls.map(([, request]) => request)).toEqual([
      expect.objectContaining({ deployAsNew: false, sourceNetworks: [{ sourceNetworkID: 'sn-00000000000000001' }], tags: expect.objectContaining({ 'drs-orchestrator:execution': 'shop-drill-1' }) }),
      expect.objectContaining({ deployAsNew: true, sourceNetworks: [{ sourceNetworkID: 'sn-00000000000000002' }] }),
    ]);
    expect(state).toMatchObject({ networkCount: 2, done: false });
    expect(state.jobIDs).toHaveLength(2);
  });

  it('a FAILED network throws with its ID and DRS\'s reason', async () => {
    const { port, jobs } = fakeDrsOf([]);
    const state = await recoverSourceNetworks(run, plan, port);
    for (const job of jobs) job.participatingResources = job.participatingResources?.map((resource) => ({ ...resource, launchStatus: resource.participatingResourceID?.sourceNetworkID === 'sn-00000000000000002' ? 'FAILED' : 'LAUNCHED' }));

    await expect(checkSourceNetworks(run, state, port, async () => plan)).rejects.toMatchObject({ name: 'SourceNetworkRecoveryFailedError', message: expect.stringContaining('sn-00000000000000002: stack rolled back') });
  });

  it('a plan without networks is done at once, without a DRS call', async () => {
    const { port, calls } = fakeDrsOf([]);
    const withoutNetworks = { ...plan, sourceNetworks: undefined };

    expect(await recoverSourceNetworks(run, withoutNetworks, port)).toMatchObject({ done: true, networkCount: 0 });
    expect(calls).toEqual([]);
  });
});
