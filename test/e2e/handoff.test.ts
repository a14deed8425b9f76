// Event-driven wave hand-off, through the real path: the local DRS service sends its "Source Server
// Launch Result" events, the runner's EventBridge puts them on the rule's queue, the built
// resumeWave handler resumes the recovery workflow's WaitForLaunch (a callback Task) through the
// local Step Functions and DynamoDB services. Events are best effort: losing or repeating them
// must change nothing but when the next wave starts.
import { describe, expect, it } from 'vitest';
import type { LocalDrs } from '#local/drs/index.ts';
import { instancesInDrs, runPlan, type PlanRun } from './harness.ts';

/** The example plan's application wave (no post-launch actions) then its web wave. */
const INPUT = { plan: 'payments', mode: 'drill', waves: ['application', 'web'] };

/** Simulated seconds from the application wave's last launch to the web wave's StartRecovery. */
function handOffSeconds(drs: LocalDrs): number {
  const jobs = drs.state().jobs.filter((job) => job.initiatedBy === 'START_DRILL');
  const byWave = (wave: string) => jobs.filter((job) => job.tags?.['drs-orchestrator:wave'] === wave);
  const applicationJobs = new Set(byWave('application').map((job) => job.jobID));
  const lastLaunch = Math.max(
    ...drs
      .timeline()
      .filter((job) => applicationJobs.has(job.jobID))
      .flatMap((job) => job.servers.map((server) => Date.parse(server.launchEnd ?? ''))),
  );
  const webStart = Math.min(...byWave('web').map((job) => Date.parse(job.creationDateTime ?? '')));
  return (webStart - lastLaunch) / 1000;
}

function startRecoveries(run: PlanRun): number {
  return run.drs.calls().filter((call) => call.operation === 'StartRecovery').length;
}

describe('event-driven wave hand-off', () => {
  it("starts the next wave the moment DRS reports the previous wave's last launch", async () => {
    const run = await runPlan({ input: INPUT });

    expect(run.result.status).toBe('SUCCEEDED');
    // 8 launch results, and SSM's ends of the 4 post-launch action runs of these waves' servers.
    expect(run.result.events.matched).toBe(12);
    expect(run.result.events.delivered).toBe(12);
    expect(run.result.lambdaInvocations.LaunchResultRule).toBeGreaterThan(0);
    // No latencies are modelled: the resume, CompleteWave, PrepareWave and StartWave take no simulated time.
    expect(handOffSeconds(run.drs)).toBe(0);
    expect(run.report.waves.map((wave) => wave.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // Two of the plan's three waves: a partial run, whose RTO the trend leaves out.
    expect(run.report.partial).toEqual({ skippedWaves: ['databases'] });
    expect(instancesInDrs(run.drs, true)).toBe(0);
    await run.drs.stop();
  });

  it('hands off at the fallback poll when every event is lost, with the same outcome', async () => {
    const heard = await runPlan({ input: INPUT });
    const lost = await runPlan({ input: INPUT, events: { dropRate: 1 } });

    expect(lost.result.status).toBe('SUCCEEDED');
    expect(lost.result.events).toMatchObject({ matched: 12, dropped: 12, delivered: 0 });
    expect(lost.report.waves.map((wave) => wave.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(startRecoveries(lost)).toBe(startRecoveries(heard));
    expect(handOffSeconds(lost.drs)).toBeGreaterThan(0);
    expect(handOffSeconds(lost.drs)).toBeLessThanOrEqual(120);
    expect(instancesInDrs(lost.drs, true)).toBe(0);
    await Promise.all([heard.drs.stop(), lost.drs.stop()]);
  });

  it('resumes a wave once however often its events repeat, and starts nothing twice', async () => {
    const heard = await runPlan({ input: INPUT });
    const repeated = await runPlan({ input: INPUT, events: { duplicateRate: 1 } });

    expect(repeated.result.status).toBe('SUCCEEDED');
    expect(repeated.result.events).toMatchObject({ matched: 12, duplicated: 12, delivered: 24 });
    expect(startRecoveries(repeated)).toBe(startRecoveries(heard));
    expect(repeated.drs.state().jobs.filter((job) => job.initiatedBy === 'START_DRILL')).toHaveLength(2);
    expect(handOffSeconds(repeated.drs)).toBe(0);
    expect(repeated.result.historyEvents).toBe(heard.result.historyEvents);
    await Promise.all([heard.drs.stop(), repeated.drs.stop()]);
  });

  it('still works with no event routing at all, polling as before', async () => {
    const run = await runPlan({ input: INPUT, events: { off: true } });

    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.events.sent).toBe(0);
    expect(run.result.lambdaInvocations.LaunchResultRule).toBeUndefined();
    expect(run.report.waves.map((wave) => wave.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(instancesInDrs(run.drs, true)).toBe(0);
    await run.drs.stop();
  });
});

/** The example plan's databases wave (its servers run required post-launch actions) then its application wave. */
const GATED_INPUT = { plan: 'payments', mode: 'drill', waves: ['databases', 'application'] };

/** Simulated seconds from the databases wave's last post-launch action run's end to the application wave's StartRecovery. */
function handOffAfterActionsSeconds(drs: LocalDrs): number {
  const jobs = drs.state().jobs.filter((job) => job.initiatedBy === 'START_DRILL');
  const byWave = (wave: string) => new Set(jobs.filter((job) => job.tags?.['drs-orchestrator:wave'] === wave).map((job) => job.jobID));
  const databaseJobs = byWave('databases');
  const actionEnds = drs
    .timeline()
    .filter((job) => databaseJobs.has(job.jobID))
    .flatMap((job) => job.servers.flatMap((server) => server.actions.map((action) => Date.parse(action.end ?? ''))));
  expect(actionEnds.length).toBeGreaterThan(0);
  const applicationJobs = byWave('application');
  const applicationStart = Math.min(...jobs.filter((job) => applicationJobs.has(job.jobID)).map((job) => Date.parse(job.creationDateTime ?? '')));
  return (applicationStart - Math.max(...actionEnds)) / 1000;
}

describe('event-driven hand-off after post-launch actions', () => {
  it("starts the next wave the moment SSM reports the wave's last post-launch action run ended", async () => {
    const run = await runPlan({ input: GATED_INPUT });

    expect(run.result.status).toBe('SUCCEEDED');
    // SSM's ends of the runs DRS started went to their rule, and resumed the wave's wait.
    expect(run.result.lambdaInvocations.ActionCommandEndRule ?? run.result.lambdaInvocations.ActionAutomationEndRule).toBeGreaterThan(0);
    expect(run.result.lambdaInvocations.WaitForPostLaunchActions).toBeGreaterThan(0);
    expect(handOffAfterActionsSeconds(run.drs)).toBe(0);
    expect(run.report.waves.map((wave) => wave.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(instancesInDrs(run.drs, true)).toBe(0);
    await run.drs.stop();
  });

  it('hands off at the next poll when the ends of runs are lost, with the same outcome', async () => {
    const lost = await runPlan({ input: GATED_INPUT, events: { dropRate: 1 } });

    expect(lost.result.status).toBe('SUCCEEDED');
    expect(lost.result.events.delivered).toBe(0);
    expect(handOffAfterActionsSeconds(lost.drs)).toBeGreaterThan(0);
    // The poll interval it waits at most: nothing waits longer than before the events.
    expect(handOffAfterActionsSeconds(lost.drs)).toBeLessThanOrEqual(120);
    expect(lost.report.waves.map((wave) => wave.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(instancesInDrs(lost.drs, true)).toBe(0);
    await lost.drs.stop();
  });
});
