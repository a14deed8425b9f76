// The drill evidence, end to end: the real state machine runs against the local DRS service, and
// the report's phases, RTO and RPO are checked against the timeline the service actually
// simulated (its inspection API), within one poll interval where DRS records no time itself.
import { describe, expect, it } from 'vitest';
import type { JobTimeline, LocalDrs } from '#local/drs/index.ts';
import { POLL } from '#shared/engine/polling.ts';
import type { RunReport, ServerResult } from '#shared/report/report.ts';
import { runPlan } from '../e2e/harness.ts';

const ms = (iso: string | undefined): number => Date.parse(iso ?? '');
const seconds = (from: string | undefined, to: string | undefined): number => (ms(to) - ms(from)) / 1000;
/** A poll sees a change at most one (longest) poll interval after it happened. */
const ONE_POLL_MS = POLL.maxSeconds * 1000;

type SimulatedServer = JobTimeline['servers'][number];

function simulatedServers(drs: LocalDrs): Map<string, SimulatedServer> {
  return new Map(
    drs
      .timeline()
      .filter((job) => job.type === 'LAUNCH')
      .flatMap((job) => job.servers.map((server) => [server.sourceServerID, server] as const)),
  );
}

/** When the simulated server was really ready: launched, and its last post-launch action ended. */
function simulatedReady(server: SimulatedServer): number {
  return Math.max(ms(server.launchEnd), ...server.actions.map((action) => ms(action.end)));
}

function serversOf(report: RunReport): ServerResult[] {
  return report.waves.flatMap((wave) => wave.servers);
}

describe('the report of a drill agrees with what the local DRS service simulated', () => {
  it('gives exact snapshot and conversion phases, launch and ready times within one poll, and the RTO and RPO they imply', async () => {
    const { report, drs } = await runPlan({ input: { plan: 'payments', mode: 'drill' } });
    const simulated = simulatedServers(drs);

    expect(report.reportVersion).toBe(2);
    expect(serversOf(report)).toHaveLength(11);
    for (const server of serversOf(report)) {
      const truth = simulated.get(server.sourceServerID);
      expect(truth, server.sourceServerID).toBeDefined();
      if (truth === undefined) continue;
      // Logged by DRS: exact.
      expect(server.phases.snapshot).toMatchObject({ start: truth.snapshotStart, end: truth.snapshotEnd });
      expect(server.phases.conversion).toMatchObject({ start: truth.conversionStart, end: truth.conversionEnd });
      expect(server.phases.launch?.start).toBe(truth.launchStart);
      expect(server.recoveryPoint).toBe('on-demand-snapshot');
      expect(server.dataTimestamp).toBe(truth.dataTimestamp);
      // Not logged by DRS: an upper bound, late by at most one poll.
      const launchedLate = ms(server.launchedAt) - ms(truth.launchEnd);
      expect(launchedLate).toBeGreaterThanOrEqual(0);
      expect(launchedLate).toBeLessThanOrEqual(ONE_POLL_MS);
      const readyLate = ms(server.readyAt) - simulatedReady(truth);
      expect(readyLate).toBeGreaterThanOrEqual(0);
      expect(readyLate).toBeLessThanOrEqual(ONE_POLL_MS);
      expect(server.rtoSeconds).toBe(seconds(report.startedAt, server.readyAt));
      expect(server.rpoSeconds).toBe(Math.max(0, seconds(truth.dataTimestamp, report.startedAt)));
      for (const action of server.postLaunchActions) expect(ms(action.finishedBy)).toBeGreaterThanOrEqual(ms(truth.actions.find((run) => run.name === action.name)?.end));
    }

    const lastReady = Math.max(...[...simulated.values()].map(simulatedReady));
    expect(report.rto.achievedSeconds).toBeDefined();
    expect(report.rto.achievedSeconds! * 1000 - (lastReady - ms(report.startedAt))).toBeGreaterThanOrEqual(0);
    expect(report.rto.achievedSeconds! * 1000 - (lastReady - ms(report.startedAt))).toBeLessThanOrEqual(ONE_POLL_MS);
    expect(report.rto).toMatchObject({ targetSeconds: 3600, met: true });
    expect(report.rpo).toMatchObject({ targetSeconds: 900, achievedSeconds: 0, met: true });
    for (const wave of report.waves) {
      expect(wave.rto.achievedSeconds).toBe(Math.max(...wave.servers.map((server) => server.rtoSeconds ?? Infinity)));
    }
    expect(report.failures).toEqual([]);
    // The clean-up's window is its TERMINATE jobs' in DRS: from the first created to the last ended.
    const terminateJobs = drs.timeline().filter((job) => job.type === 'TERMINATE');
    expect(report.cleanup).toMatchObject({
      instancesTerminated: 11,
      startedAt: terminateJobs.map((job) => job.created).sort()[0],
      endedAt: terminateJobs.map((job) => job.completed ?? '').sort().at(-1),
    });
    await drs.stop();
  });

  it('a point-in-time recovery has no snapshot phase and its RPO is the age of the snapshot at the run start', async () => {
    const { startLocalDrs } = await import('#local/drs/index.ts');
    const drs = await startLocalDrs({ speed: 0 });
    // Snapshots are taken every 10 minutes from the scenario's start: seven minutes later the
    // newest is seven minutes old.
    drs.advanceBy(7 * 60);
    // Written with an offset, as an operator in Central Europe would: the run hands DRS the instant in UTC.
    const withOffset = new Date(drs.now().getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
    const { report } = await runPlan({ input: { plan: 'payments', mode: 'drill', snapshotTime: withOffset }, drs });
    const simulated = simulatedServers(drs);

    expect(report.status).toBe('SUCCEEDED');
    for (const server of serversOf(report)) {
      const truth = simulated.get(server.sourceServerID);
      expect(server.recoveryPoint).toBe('point-in-time-snapshot');
      expect(server.phases.snapshot).toBeUndefined();
      expect(server.dataTimestamp).toBe(truth?.dataTimestamp);
      expect(server.rpoSeconds).toBe(seconds(truth?.dataTimestamp, report.startedAt));
    }
    const worst = Math.max(...serversOf(report).map((server) => server.rpoSeconds ?? 0));
    expect(worst).toBe(7 * 60);
    expect(report.rpo).toMatchObject({ achievedSeconds: worst, met: worst <= 900 });
    await drs.stop();
  });
});

describe('failures in the report', () => {
  it('a failed launch appears with DRS raw error, an exact end and no RTO, and the wave still completes within its budget', async () => {
    const rawError = 'InsufficientInstanceCapacity: We currently do not have sufficient m5.large capacity in us-east-1a';
    const { report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [{ type: 'launchFailure', hostname: 'payments-web-2', rawError }],
    });
    const failed = serversOf(report).find((server) => server.hostname === 'payments-web-2');
    const truth = simulatedServers(drs).get(failed?.sourceServerID ?? '');

    expect(failed).toMatchObject({ launchStatus: 'FAILED', rawError });
    expect(failed?.readyAt).toBeUndefined();
    expect(failed?.rtoSeconds).toBeUndefined();
    expect(failed?.phases.launch).toMatchObject({ endedBy: 'LAUNCH_FAILED', end: truth?.launchEnd });
    expect(report.failures).toEqual([
      { wave: 'web', sourceServerID: failed?.sourceServerID, hostname: 'payments-web-2', what: 'launch', optional: false, error: rawError },
    ]);
    // Within the web wave's budget of one: the plan is ready when the other servers are.
    expect(report.waves[2]).toMatchObject({ status: 'SUCCEEDED_WITH_FAILURES', rto: { met: true } });
    expect(report.rto.met).toBe(true);
    await drs.stop();
  });

  it('a failed required post-launch action fails the run: the action and its reason are listed, and the plan RTO is not achieved', async () => {
    const { report, drs } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      faults: [{ type: 'actionFailure', hostname: 'payments-db-1', actionName: 'payments-verify-database', failureReason: 'SSM command exited 2: replica lag check failed' }],
    });

    expect(report.status).toBe('FAILED');
    expect(report.failures).toContainEqual(
      expect.objectContaining({ hostname: 'payments-db-1', what: 'post-launch action', action: 'payments-verify-database', optional: false, error: 'SSM command exited 2: replica lag check failed' }),
    );
    const database = serversOf(report).find((server) => server.hostname === 'payments-db-1');
    expect(database?.launchedAt).toBeDefined();
    expect(database?.readyAt).toBeUndefined();
    for (const rto of [report.waves[0].rto, report.rto]) {
      expect(rto.met).toBe(false);
      expect(rto.achievedSeconds).toBeUndefined();
    }
    await drs.stop();
  });
});
