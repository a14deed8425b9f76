// The recovery state machine, executed end to end: ASL → built handlers → AWS SDK → HTTP →
// local DRS service. Each test asserts what a DR engineer would look at: the run's outcome, its
// report, and what DRS itself holds afterwards.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateScenario, type LocalDrs } from '#local/drs/index.ts';
import type { RunReport } from '#shared/report/report.ts';
import { causeOf, instancesInDrs, runPlan } from './harness.ts';

describe('a drill of the example plan', () => {
  it('recovers the three waves in order, runs their post-launch actions and leaves no instance behind', async () => {
    const { result, report, drs, events } = await runPlan({ input: { plan: 'payments', mode: 'drill' } });

    expect(result.status).toBe('SUCCEEDED');
    expect(report.status).toBe('SUCCEEDED');
    expect(report.waves.map((wave) => [wave.name, wave.status, wave.servers.length])).toEqual([
      ['databases', 'SUCCEEDED', 3],
      ['application', 'SUCCEEDED', 4],
      ['web', 'SUCCEEDED', 4],
    ]);
    for (const server of report.waves.flatMap((wave) => wave.servers)) {
      expect(server.launchStatus).toBe('LAUNCHED');
      expect(server.recoveryInstanceID).toMatch(/^i-[0-9a-f]{8,17}$/);
    }
    const database = report.waves[0].servers[0];
    expect(database.postLaunchActions.map((action) => [action.name, action.status])).toContainEqual(['payments-verify-database', 'SUCCEEDED']);
    // A server with actions is ready when the workflow saw its runs end: its wave's sightings,
    // which CompleteWave moved out of the state into the lock table, came back for the report.
    expect(database.readyAt).toBeDefined();
    expect(report.waves.flatMap((wave) => wave.servers).every((server) => server.rtoSeconds !== undefined)).toBe(true);

    // Waves in order: each wave's jobs start after the previous wave's servers were all ready.
    const launchJobs = drs.state().jobs.filter((job) => job.type === 'LAUNCH').sort((a, b) => (a.creationDateTime ?? '').localeCompare(b.creationDateTime ?? ''));
    expect(launchJobs.map((job) => job.tags?.['drs-orchestrator:wave'])).toEqual(['databases', 'application', 'web']);
    expect(launchJobs.every((job) => job.initiatedBy === 'START_DRILL')).toBe(true);
    const dbActionsDone = Math.max(
      ...drs.timeline().filter((job) => job.jobID === launchJobs[0].jobID).flatMap((job) => job.servers.flatMap((server) => server.actions.map((action) => Date.parse(action.end ?? '')))),
    );
    expect(Date.parse(launchJobs[1].creationDateTime ?? '')).toBeGreaterThanOrEqual(dbActionsDone);

    expect(report.cleanup).toMatchObject({ instancesLaunched: 11, instancesTerminated: 11, instancesLeft: 0 });
    expect(instancesInDrs(drs, true)).toBe(0);
    expect(events.map((event) => event['detail-type'])).toEqual([
      'Run Started',
      'Wave Started', 'Wave Completed',
      'Wave Started', 'Wave Completed',
      // The web wave's smoke test (SSM Automation) after it; its DNS switch runs in recoveries only.
      'Wave Started', 'Action Completed', 'Wave Completed',
      'Clean-up Completed',
      'Run Succeeded',
    ]);
    await drs.stop();
  });
});

describe('drill options', () => {
  it("pauseAfterMinutes holds the next wave back that long, and the report draws the pause in the wave's band", async () => {
    const plan = (await readFile('plans/example.yaml', 'utf8')).replace('  - name: databases\n', '  - name: databases\n    pauseAfterMinutes: 5\n');
    const paused = await runPlan({ input: { plan: 'payments', mode: 'drill', waves: ['databases', 'application'] }, plan });
    const applicationStart = Math.min(...paused.drs.state().jobs.filter((job) => job.tags?.['drs-orchestrator:wave'] === 'application').map((job) => Date.parse(job.creationDateTime ?? '')));

    expect(paused.result.status).toBe('SUCCEEDED');
    const pause = paused.report.waves[0]?.pause;
    expect(pause).toBeDefined();
    expect(Date.parse(pause!.endedAt) - Date.parse(pause!.startedAt)).toBe(300_000);
    expect(applicationStart).toBeGreaterThanOrEqual(Date.parse(pause!.endedAt));
    expect(paused.report.waves[1]?.pause).toBeUndefined();
    const html = await readFile((paused.result.reportPath ?? '').replace(/\.json$/, '.html'), 'utf8');
    expect(html).toContain('<title>pause after wave databases: 5m 00s</title>');
    await paused.drs.stop();
  });

  it('holdMinutes keeps the drill instances up that long before clean-up; skipCleanup keeps them', async () => {
    const held = await runPlan({ input: { plan: 'payments', mode: 'drill', waves: ['databases'], holdMinutes: 45 } });
    const lastCheck = held.drs.calls().filter((call) => call.operation === 'DescribeJobs').map((call) => Date.parse(call.at));
    const firstTerminate = Date.parse(held.drs.calls().find((call) => call.operation === 'TerminateRecoveryInstances')?.at ?? '');
    const waveDone = Math.max(...held.drs.timeline().flatMap((job) => job.servers.flatMap((server) => server.actions.map((action) => Date.parse(action.end ?? '')))));
    expect(held.result.status).toBe('SUCCEEDED');
    expect(lastCheck.length).toBeGreaterThan(0);
    expect(firstTerminate - waveDone).toBeGreaterThanOrEqual(45 * 60_000);
    expect(instancesInDrs(held.drs, true)).toBe(0);
    // The report says so, and its timeline draws the hold before the clean-up.
    expect(held.report.cleanup).toMatchObject({ heldSeconds: 2700, startedAt: expect.any(String), endedAt: expect.any(String) });
    const html = await readFile((held.result.reportPath ?? '').replace(/\.json$/, '.html'), 'utf8');
    expect(html).toContain('<title>drill instances held 45m 00s for manual checks before clean-up</title>');
    await held.drs.stop();

    const kept = await runPlan({ input: { plan: 'payments', mode: 'drill', waves: ['databases'], skipCleanup: true } });
    expect(kept.result.status).toBe('SUCCEEDED');
    expect(kept.report.cleanup).toMatchObject({ skipped: true, instancesLaunched: 3, instancesLeft: 3 });
    expect(instancesInDrs(kept.drs, true)).toBe(3);
    expect(kept.drs.countCalls('TerminateRecoveryInstances')).toBe(0);
    await kept.drs.stop();
  });
});

describe('a recovery', () => {
  it('keeps its recovery instances running and never calls TerminateRecoveryInstances', async () => {
    const { result, report, drs } = await runPlan({ input: { plan: 'payments', mode: 'recovery' } });

    expect(result.status).toBe('SUCCEEDED');
    expect(report.cleanup).toBeNull();
    expect(instancesInDrs(drs, false)).toBe(11);
    expect(drs.state().jobs.filter((job) => job.type === 'LAUNCH').every((job) => job.initiatedBy === 'START_RECOVERY')).toBe(true);
    expect(drs.countCalls('TerminateRecoveryInstances')).toBe(0);
    await drs.stop();
  });
});

describe('failures', () => {
  it('a failed launch within the wave budget continues, and the report shows DRS raw error', async () => {
    const { result, report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [{ type: 'launchFailure', hostname: 'payments-web-2', rawError: 'InsufficientInstanceCapacity in us-east-1a' }],
    });

    expect(result.status).toBe('SUCCEEDED');
    const web = report.waves[2];
    expect(web.status).toBe('SUCCEEDED_WITH_FAILURES');
    const failed = web.servers.find((server) => server.hostname === 'payments-web-2');
    expect(failed).toMatchObject({ launchStatus: 'FAILED', rawError: expect.stringContaining('InsufficientInstanceCapacity') });
    expect(instancesInDrs(drs, true)).toBe(0);
    await drs.stop();
  });

  it('a failed launch beyond the budget stops the plan, names the wave and server, and still cleans up the drill', async () => {
    const { result, report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [{ type: 'launchFailure', hostname: 'payments-db-2' }],
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('WaveFailedError');
    expect(causeOf(result)).toMatch(/wave "databases": 1 of 3 servers failed, failure budget 0: s-\w+ \(payments-db-2\): launch FAILED/);
    expect(report.waves.map((wave) => wave.status)).toEqual(['FAILED', 'NOT_STARTED', 'NOT_STARTED']);
    const startedWaves = drs.state().jobs.filter((job) => job.type === 'LAUNCH').map((job) => job.tags?.['drs-orchestrator:wave']);
    expect(startedWaves).toEqual(['databases']);
    expect(report.cleanup).toMatchObject({ instancesLaunched: 2, instancesLeft: 0 });
    expect(instancesInDrs(drs, true)).toBe(0);
    await drs.stop();
  });

  it('a failed required post-launch action stops the plan; the drill is cleaned up', async () => {
    const { result, report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [{ type: 'actionFailure', hostname: 'payments-db-3', actionName: 'payments-verify-database', failureReason: 'database did not accept connections' }],
    });

    expect(result.status).toBe('FAILED');
    expect(causeOf(result)).toMatch(/\(payments-db-3\): post-launch action "payments-verify-database" FAILED: database did not accept connections/);
    expect(report.waves[1].status).toBe('NOT_STARTED');
    expect(instancesInDrs(drs, true)).toBe(0);
    await drs.stop();
  });

  it('a failed optional post-launch action only warns', async () => {
    const { result, report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [{ type: 'actionFailure', hostname: 'payments-db-1', actionName: 'AWSMigration-VerifyMountedVolumes' }],
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(report.warnings).toEqual([expect.stringMatching(/optional post-launch action "AWSMigration-VerifyMountedVolumes" FAILED/)]);
    await drs.stop();
  });

  it('a wave that does not finish within its timeout fails, names the servers, and clean-up waits for the launches in flight', async () => {
    const plan = `name: slow
targets: { rtoMinutes: 30, rpoMinutes: 15 }
waves:
  - name: databases
    servers: { tags: { Application: payments, Tier: db } }
    timeoutMinutes: 3
`;
    const { result, report, drs } = await runPlan({ input: { plan: 'slow', mode: 'drill' }, plan });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('WaveTimedOutError');
    expect(causeOf(result)).toMatch(/wave "databases" timed out after \d+ minutes \(timeout 3\): 3 of 3 servers not launched: s-/);
    expect(report.cleanup?.instancesLeft).toBe(0);
    expect(instancesInDrs(drs, true)).toBe(0);
    expect(drs.state().jobs.filter((job) => job.type === 'LAUNCH').every((job) => job.status === 'COMPLETED')).toBe(true);
    await drs.stop();
  });
});

describe('faults of the platform', () => {
  it('a throttling storm and 5xx bursts are survived with no duplicate job', async () => {
    const { result, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [
        { type: 'throttle', operations: ['DescribeJobs', 'StartRecovery', 'DescribeSourceServers'], count: 12 },
        { type: 'serverError', operations: ['DescribeJobs', 'TerminateRecoveryInstances'], count: 5, status: 503 },
      ],
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(drs.calls().filter((call) => call.status === 429).length).toBe(12);
    expect(drs.state().jobs.filter((job) => job.type === 'LAUNCH')).toHaveLength(3);
    expect(instancesInDrs(drs, true)).toBe(0);
    await drs.stop();
  });

  it('a Lambda failure after StartRecovery is retried without a second StartRecovery', async () => {
    const { result, drs } = await runPlan({
      input: { plan: 'payments', mode: 'recovery' },
      lambdaFaults: { StartWave: { failAfterInvocation: 1 } },
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.lambdaInvocations.StartWave).toBe(4);
    expect(drs.calls().filter((call) => call.operation === 'StartRecovery' && call.status < 300)).toHaveLength(3);
    expect(instancesInDrs(drs, false)).toBe(11);
    await drs.stop();
  });
});

/** One wave of every web server of a generated estate, not waiting for post-launch actions. */
const ONE_WEB_WAVE = `name: big
targets: { rtoMinutes: 120, rpoMinutes: 60 }
waves:
  - name: web
    servers: { tags: { Tier: web } }
    waitForPostLaunchActions: false
`;

describe('scale and quotas', () => {
  it('a wave of 250 servers is split into jobs of at most 100, within the active-server quota', async () => {
    const scenario = generateScenario({ servers: 250, applications: 1, tiers: ['web'] });
    const { result, report, drs } = await runPlan({ input: { plan: 'big', mode: 'drill' }, plan: ONE_WEB_WAVE, scenario });

    expect(result.status).toBe('SUCCEEDED');
    const sizes = drs.state().jobs.filter((job) => job.type === 'LAUNCH').map((job) => job.participatingServers?.length);
    expect(sizes.sort()).toEqual([100, 100, 50]);
    expect(report.waves[0].servers).toHaveLength(250);
    expect(report.cleanup).toMatchObject({ instancesLaunched: 250, instancesLeft: 0 });
    expect(drs.countCalls('TerminateRecoveryInstances')).toBe(3);
    await drs.stop();
  });
});

describe('drill clean-up at quota scale', () => {
  const plan = ONE_WEB_WAVE;
  /** DescribeJobs calls by date after the first TerminateRecoveryInstances that list jobs created before `createdBefore`. */
  const datedListingsAfterFirstTermination = (drs: LocalDrs, createdBefore: string) => {
    const calls = drs.calls();
    return calls
      .slice(calls.findIndex((call) => call.operation === 'TerminateRecoveryInstances'))
      .filter((call) => call.operation === 'DescribeJobs' && ((call.input as { filters?: { fromDate?: string } }).filters?.fromDate ?? '9') < createdBefore);
  };

  it('terminates 700 instances within the 500-server quota, each once, and lists the launch jobs again only to report', async () => {
    const { result, report, drs } = await runPlan({ input: { plan: 'big', mode: 'drill' }, plan, scenario: generateScenario({ servers: 700, applications: 1, tiers: ['web'] }) });

    expect(result.status).toBe('SUCCEEDED');
    expect(report.cleanup).toMatchObject({ instancesLaunched: 700, instancesTerminated: 700, instancesLeft: 0 });
    expect(instancesInDrs(drs, true)).toBe(0);
    const terminations = drs.calls().filter((call) => call.operation === 'TerminateRecoveryInstances' && call.status < 300);
    const terminated = terminations.flatMap((call) => (call.input as { recoveryInstanceIDs: string[] }).recoveryInstanceIDs);
    expect(terminated).toHaveLength(700);
    expect(new Set(terminated).size).toBe(700);
    expect(result.lambdaInvocations.CleanUpDrill).toBeGreaterThan(2); // the quota made it take rounds
    // After its first round the clean-up lists only jobs created since: the launch jobs are read by ID
    // when their instances are terminated; only the report lists the whole run again.
    const firstLaunch = drs.state().jobs.filter((job) => job.type === 'LAUNCH').map((job) => job.creationDateTime ?? '').sort()[0]!;
    expect(datedListingsAfterFirstTermination(drs, firstLaunch)).toHaveLength(1);
    await drs.stop();
  });

  it('aborted while 700 servers launch: the stopped-run clean-up waits for the launches in flight, then terminates every instance', async () => {
    const { result, drs } = await runPlan({ input: { plan: 'big', mode: 'drill' }, plan, scenario: generateScenario({ servers: 700, applications: 1, tiers: ['web'] }), abortAt: { state: 'WaitForLaunch', entry: 1 } });

    expect(result.status).toBe('ABORTED');
    expect(result.afterStop?.status).toBe('SUCCEEDED');
    const launched = drs.state().jobs.filter((job) => job.type === 'LAUNCH').flatMap((job) => job.participatingServers ?? []);
    expect(launched.length).toBeGreaterThan(0);
    expect(instancesInDrs(drs, true)).toBe(0);
    const report = JSON.parse(await readFile(result.reportPath ?? '', 'utf8')) as RunReport;
    expect(report).toMatchObject({ status: 'ABORTED', cleanup: { instancesLeft: 0, instancesTerminated: launched.filter((server) => server.recoveryInstanceID !== undefined).length } });
    await drs.stop();
  });
});

describe('bad input is refused before anything is launched', () => {
  it('an invalid mode fails the execution naming the field and the fix; DRS receives no StartRecovery', async () => {
    const { result, report, drs } = await runPlan({ input: { plan: 'payments', mode: 'test' } });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidInputError');
    expect(causeOf(result)).toMatch(/input: mode: must be one of "drill", "recovery", "failback"/);
    expect(report).toBeUndefined();
    expect(drs.countCalls('StartRecovery')).toBe(0);
    await drs.stop();
  });

  it('an unknown plan is named with the known ones', async () => {
    const { result, drs } = await runPlan({ input: { plan: 'payroll', mode: 'drill' } });

    expect(result.error).toBe('PlanNotFoundError');
    expect(causeOf(result)).toMatch(/no plan named "payroll" .* known plans: payments/);
    expect(drs.countCalls('StartRecovery')).toBe(0);
    await drs.stop();
  });

  it('preflight lists every problem at once (selector matching nothing, stalled replication) and launches nothing', async () => {
    const plan = `name: broken
targets: { rtoMinutes: 60, rpoMinutes: 15 }
waves:
  - name: databases
    servers: { tags: { Application: payments, Tier: db } }
  - name: queues
    servers: { tags: { Application: payments, Tier: queue } }
`;
    const { result, report, drs } = await runPlan({
      input: { plan: 'broken', mode: 'drill' },
      plan,
      faults: [{ type: 'stallReplication', hostname: 'payments-db-1' }],
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PreflightFailedError');
    expect(causeOf(result)).toMatch(/\(payments-db-1\) is not replicating continuously \(data replication state STALLED\)/);
    expect(causeOf(result)).toMatch(/wave "queues": tag selector \{"Application":"payments","Tier":"queue"\} matches no source server/);
    expect(report.waves.map((wave) => wave.status)).toEqual(['NOT_STARTED', 'NOT_STARTED']);
    expect(drs.countCalls('StartRecovery')).toBe(0);
    await drs.stop();
  });
});
