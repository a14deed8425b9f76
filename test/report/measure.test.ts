// The measurement of drill evidence on plain data: phases from a job log, launch and ready times
// from the best evidence available, RTO and RPO against the targets.
import { describe, expect, it } from 'vitest';
import type { JobLog } from '#shared/drs/port.ts';
import { groupRto, measureServer, worstRpo, type ServerEvidence } from '#shared/report/measure.ts';

const SERVER = 's-36910523548b73747';
const log = (event: string, logDateTime: string, eventData: JobLog['eventData'] = {}): JobLog => ({
  event: event as JobLog['event'],
  logDateTime,
  eventData: { sourceServerID: SERVER, ...eventData },
});

/** An on-demand snapshot drill of one server, started at 02:00:00. */
function evidence(overrides: Partial<ServerEvidence> = {}): ServerEvidence {
  return {
    runStartedAt: '2026-01-05T02:00:00Z',
    jobCreatedAt: '2026-01-05T02:01:00Z',
    jobEndedAt: '2026-01-05T02:20:00Z',
    log: [
      log('SNAPSHOT_START', '2026-01-05T02:01:10Z'),
      log('SNAPSHOT_END', '2026-01-05T02:02:10Z'),
      log('CONVERSION_START', '2026-01-05T02:02:10Z'),
      log('CONVERSION_END', '2026-01-05T02:06:10Z', { conversionProperties: { dataTimestamp: '2026-01-05T02:01:10Z' } }),
      log('LAUNCH_START', '2026-01-05T02:06:10Z', { targetInstanceID: 'i-0123456789abcdef0' }),
    ],
    launchStatus: 'LAUNCHED',
    ssmAgentDiscoveredAt: '2026-01-05T02:09:00Z',
    actionRuns: 2,
    requiredActionFailed: false,
    launchSeenAt: '2026-01-05T02:08:40Z',
    readySeenAt: '2026-01-05T02:12:30Z',
    ...overrides,
  };
}

describe('measuring a server from its job log and the workflow polls', () => {
  it('gives queued, snapshot, conversion, launch and post-launch action phases, RTO to ready and RPO from dataTimestamp', () => {
    const measured = measureServer(evidence());

    expect(measured.phases.queued?.seconds).toBe(10);
    expect(measured.phases.snapshot?.seconds).toBe(60);
    expect(measured.phases.conversion?.seconds).toBe(240);
    expect(measured.phases.launch).toMatchObject({ start: '2026-01-05T02:06:10Z', end: '2026-01-05T02:08:40Z', seconds: 150, endedBy: 'poll' });
    expect(measured.phases.postLaunchActions).toMatchObject({ end: '2026-01-05T02:12:30Z', seconds: 230, endedBy: 'poll' });
    expect(measured.recoveryPoint).toBe('on-demand-snapshot');
    expect(measured.readyAt).toBe('2026-01-05T02:12:30Z');
    expect(measured.rtoSeconds).toBe(12 * 60 + 30);
    // The on-demand snapshot's data is newer than the run start: nothing was lost.
    expect(measured.rpoSeconds).toBe(0);
  });

  it('ends the launch at the earliest upper bound: the SSM agent discovery when it precedes the poll', () => {
    const measured = measureServer(evidence({ launchSeenAt: '2026-01-05T02:10:00Z' }));

    expect(measured.phases.launch).toMatchObject({ end: '2026-01-05T02:09:00Z', endedBy: 'ssmAgentDiscovery' });
    expect(measured.launchedAt).toBe('2026-01-05T02:09:00Z');
  });

  it('a server without post-launch actions is ready when launched', () => {
    const measured = measureServer(evidence({ actionRuns: 0, ssmAgentDiscoveredAt: undefined, readySeenAt: '2026-01-05T02:08:40Z' }));

    expect(measured.readyAt).toBe('2026-01-05T02:08:40Z');
    expect(measured.phases.postLaunchActions).toBeUndefined();
  });

  it('a point-in-time snapshot has no snapshot phase and its RPO is the run start minus the data time', () => {
    const measured = measureServer(
      evidence({
        log: [
          log('USING_PREVIOUS_SNAPSHOT', '2026-01-05T02:01:10Z'),
          log('CONVERSION_START', '2026-01-05T02:01:10Z'),
          log('CONVERSION_END', '2026-01-05T02:05:10Z', { conversionProperties: { dataTimestamp: '2026-01-05T01:50:00Z' } }),
          log('LAUNCH_START', '2026-01-05T02:05:10Z'),
        ],
      }),
    );

    expect(measured.recoveryPoint).toBe('point-in-time-snapshot');
    expect(measured.phases.snapshot).toBeUndefined();
    expect(measured.rpoSeconds).toBe(600);
  });

  it('a failed launch ends exactly at LAUNCH_FAILED, keeps DRS raw error and has no RTO', () => {
    const measured = measureServer(
      evidence({
        launchStatus: 'FAILED',
        ssmAgentDiscoveredAt: undefined,
        actionRuns: 0,
        log: [...evidence().log, log('LAUNCH_FAILED', '2026-01-05T02:08:00Z', { rawError: 'InsufficientInstanceCapacity' })],
      }),
    );

    expect(measured.phases.launch).toMatchObject({ end: '2026-01-05T02:08:00Z', endedBy: 'LAUNCH_FAILED', seconds: 110 });
    expect(measured.rawError).toBe('InsufficientInstanceCapacity');
    expect(measured.readyAt).toBeUndefined();
    expect(measured.rtoSeconds).toBeUndefined();
  });

  it('a failed required post-launch action leaves the server launched but never ready', () => {
    const measured = measureServer(evidence({ requiredActionFailed: true }));

    expect(measured.launchedAt).toBeDefined();
    expect(measured.phases.postLaunchActions).toBeDefined();
    expect(measured.readyAt).toBeUndefined();
  });
});

describe('RTO and RPO against the targets', () => {
  it('a completed group is ready when its last server is', () => {
    const rto = groupRto('2026-01-05T02:00:00Z', ['2026-01-05T02:10:00Z', '2026-01-05T02:25:00Z', undefined], true, 1800);

    expect(rto).toEqual({ targetSeconds: 1800, achievedSeconds: 1500, met: true, readyAt: '2026-01-05T02:25:00Z' });
  });

  it('a group that did not complete has no achieved RTO and misses the target', () => {
    expect(groupRto('2026-01-05T02:00:00Z', ['2026-01-05T02:10:00Z'], false, 1800)).toMatchObject({ achievedSeconds: undefined, met: false });
  });

  it('an RTO beyond the target is not met', () => {
    expect(groupRto('2026-01-05T02:00:00Z', ['2026-01-05T03:00:01Z'], true, 3600).met).toBe(false);
  });

  it('the RPO is the worst known server RPO', () => {
    expect(worstRpo([0, 600, undefined, 30], 900)).toEqual({ targetSeconds: 900, achievedSeconds: 600, met: true });
    expect(worstRpo([1200], 900).met).toBe(false);
    expect(worstRpo([undefined], 900)).toEqual({ targetSeconds: 900, achievedSeconds: undefined, met: false });
  });
});
