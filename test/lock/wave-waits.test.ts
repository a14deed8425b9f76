// The waves' event-driven waits in the lock table, against the local DynamoDB service through the
// unmodified SDK: which arrivals end a wait, exactly once, whatever repeats or races.
import { describe, expect, it } from 'vitest';
import { actionWaitOf, fallbackSeconds, launchWaitOf, roomFreesUnheard, roomMayFreeUnheard } from '#shared/handoff/launch-wait.ts';
import { POLL } from '#shared/engine/polling.ts';
import { dynamoDbWaveWaits } from '#shared/lock/wave-waits.ts';
import { awaitLaunch } from '#shared/handoff/resume.ts';
import type { Job } from '#shared/drs/port.ts';
import { useLocalLockTable } from './local-lock-table.ts';

const local = useLocalLockTable();
const at = new Date('2026-03-01T02:10:00Z');

async function freshWaits() {
  const { client, tableName } = await local.freshTable();
  return dynamoDbWaveWaits(client, tableName);
}

const JOB_A = 'drsjob-aaaaaaaaaaaaaaaaa';
const JOB_B = 'drsjob-bbbbbbbbbbbbbbbbb';
const wait = (wake: 'allLaunched' | 'anyJobDone', pending: Record<string, string[]>) => ({ execution: 'payments-drill-1', token: 'token-1', wake, pending, expiresAt: 1_900_000_000 });

const job = (jobID: string, statuses: Record<string, string>): Job => ({
  jobID,
  participatingServers: Object.entries(statuses).map(([sourceServerID, launchStatus]) => ({ sourceServerID, launchStatus })),
} as Job);

describe('what a wave waits for', () => {
  it('names per job the servers still launching, and nothing once every server launched or failed', () => {
    const jobs = [job(JOB_A, { 's-1': 'LAUNCHED', 's-2': 'IN_PROGRESS' }), job(JOB_B, { 's-3': 'PENDING', 's-4': 'FAILED' })];

    expect(launchWaitOf({ notStarted: 0 }, jobs)).toEqual({ wake: 'allLaunched', pending: { [JOB_A]: ['s-2'], [JOB_B]: ['s-3'] } });
    expect(launchWaitOf({ notStarted: 0 }, [job(JOB_A, { 's-1': 'LAUNCHED', 's-2': 'FAILED' })])).toBe('ready');
  });

  it('waits for any job to end while quotas hold servers back, and never spins when none of its own runs', () => {
    expect(launchWaitOf({ notStarted: 50 }, [job(JOB_A, { 's-1': 'IN_PROGRESS' })])).toEqual({ wake: 'anyJobDone', pending: { [JOB_A]: ['s-1'] } });
    expect(launchWaitOf({ notStarted: 50 }, [job(JOB_A, { 's-1': 'LAUNCHED' })])).toEqual({ wake: 'anyJobDone', pending: {} });
  });

  it("waits the longest fallback while quotas hold servers back only when the wave's next launch result comes before any room", () => {
    const launching = [job(JOB_A, { 's-1': 'IN_PROGRESS', 's-2': 'LAUNCHED' }), job(JOB_B, { 's-3': 'PENDING' })];
    const ownJobs = [JOB_A, JOB_B];

    // Every active job is the wave's own, each with a server still launching: its last result wakes the wave.
    expect(roomFreesUnheard(launching, ownJobs)).toBe(false);
    // A job of the wave with every server reported ends unheard; so may another run's job.
    expect(roomFreesUnheard([job(JOB_A, { 's-1': 'LAUNCHED', 's-2': 'FAILED' }), launching[1]!], ownJobs)).toBe(true);
    expect(roomFreesUnheard([...launching, job('drsjob-ccccccccccccccccc', { 's-9': 'IN_PROGRESS' })], ownJobs)).toBe(true);

    expect(fallbackSeconds({ notStarted: 50, pollSeconds: 23, roomFreesUnheard: false })).toBe(POLL.maxSeconds);
    expect(fallbackSeconds({ notStarted: 50, pollSeconds: 23, roomFreesUnheard: true })).toBe(23);
    expect(fallbackSeconds({ notStarted: 50, pollSeconds: 23 })).toBe(23);
    expect(fallbackSeconds({ notStarted: 0, pollSeconds: 23, roomFreesUnheard: true })).toBe(POLL.maxSeconds);
  });

  it('looks again at once when a job of the wave launched its last server between the check and the wait', () => {
    const quiet = { notStarted: 50, roomFreesUnheard: false };

    expect(roomMayFreeUnheard(quiet, [job(JOB_A, { 's-1': 'IN_PROGRESS' })])).toBe(false);
    expect(roomMayFreeUnheard(quiet, [job(JOB_A, { 's-1': 'LAUNCHED' })])).toBe(true);
    expect(roomMayFreeUnheard(quiet, [{ ...job(JOB_A, { 's-1': 'LAUNCHED' }), status: 'COMPLETED' }, job(JOB_B, { 's-2': 'IN_PROGRESS' })])).toBe(false);
    // Already polling at the wave's pace: nothing to correct.
    expect(roomMayFreeUnheard({ notStarted: 50, roomFreesUnheard: true }, [job(JOB_A, { 's-1': 'LAUNCHED' })])).toBe(false);
  });
});

const RUN_1 = '11111111-1111-4111-8111-111111111111';
const RUN_2 = '22222222-2222-4222-8222-222222222222';
const RUN_3 = '33333333-3333-4333-8333-333333333333';

describe('what a wave waiting for its post-launch actions waits for', () => {
  type Run = { runId: string; status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' };
  const job = (servers: Record<string, { launchStatus: string; runs?: Run[] }>): Job =>
    ({
      jobID: JOB_A,
      participatingServers: Object.entries(servers).map(([sourceServerID, server]) => ({
        sourceServerID,
        launchStatus: server.launchStatus,
        ...(server.runs === undefined ? {} : { launchActionsStatus: { ssmAgentDiscoveryDatetime: at.toISOString(), runs: server.runs } }),
      })),
    }) as Job;
  const counted = { actionsSucceeded: 1, actionsFailed: 0 };

  it('waits for every run in progress, each a part of its own keyed by its run ID', () => {
    const jobs = [job({ 's-1': { launchStatus: 'LAUNCHED', runs: [{ runId: RUN_1, status: 'SUCCEEDED' }, { runId: RUN_2, status: 'IN_PROGRESS' }] }, 's-2': { launchStatus: 'LAUNCHED', runs: [{ runId: RUN_3, status: 'IN_PROGRESS' }] } })];

    expect(actionWaitOf(counted, jobs)).toEqual({ wake: 'allLaunched', pending: { [RUN_2]: [RUN_2], [RUN_3]: [RUN_3] } });
  });

  it('ends at once when runs ended since the last check and none runs any more', () => {
    const jobs = [job({ 's-1': { launchStatus: 'LAUNCHED', runs: [{ runId: RUN_1, status: 'SUCCEEDED' }, { runId: RUN_2, status: 'FAILED' }] } })];

    expect(actionWaitOf(counted, jobs)).toBe('ready');
  });

  it('never spins while it waits for agents DRS has not discovered: nothing to hear of, it lasts its fallback', () => {
    // The check counted the one run that ended; the other server has no runs yet.
    const jobs = [job({ 's-1': { launchStatus: 'LAUNCHED', runs: [{ runId: RUN_1, status: 'SUCCEEDED' }] }, 's-2': { launchStatus: 'LAUNCHED' } })];

    expect(actionWaitOf(counted, jobs)).toEqual({ wake: 'allLaunched', pending: {} });
  });
});

describe('the waits in DynamoDB', () => {
  it('ends a wait for post-launch actions with the end of its last run, once, whatever repeats', async () => {
    const waits = await freshWaits();
    await waits.put(wait('allLaunched', { [RUN_1]: [RUN_1], [RUN_2]: [RUN_2] }));

    expect(await waits.arrive(RUN_1, [RUN_1], at)).toBeUndefined();
    expect(await waits.arrive(RUN_1, [RUN_1], at)).toBeUndefined(); // repeated
    expect(await waits.arrive(RUN_3, [RUN_3], at)).toBeUndefined(); // a run no wave waits for
    expect(await waits.arrive(RUN_2, [RUN_2], at)).toEqual({ token: 'token-1', execution: 'payments-drill-1' });
    expect(await waits.arrive(RUN_2, [RUN_2], at)).toBeUndefined(); // repeated after the end
  });

  it('ends the wait with the last pending server of the last job, once, whatever repeats', async () => {
    const waits = await freshWaits();
    await waits.put(wait('allLaunched', { [JOB_A]: ['s-1', 's-2'], [JOB_B]: ['s-3'] }));

    expect(await waits.arrive(JOB_A, ['s-1'], at)).toBeUndefined();
    expect(await waits.arrive(JOB_A, ['s-1'], at)).toBeUndefined(); // repeated
    expect(await waits.arrive(JOB_B, ['s-3'], at)).toBeUndefined();
    expect(await waits.arrive(JOB_A, ['s-2', 's-2'], at)).toEqual({ token: 'token-1', execution: 'payments-drill-1' });
    expect(await waits.arrive(JOB_A, ['s-2'], at)).toBeUndefined(); // repeated after the end
  });

  it('of concurrent arrivals that together end the wait, exactly one resumes it', async () => {
    const waits = await freshWaits();
    const servers = Array.from({ length: 20 }, (_, index) => `s-${index}`);
    await waits.put(wait('allLaunched', { [JOB_A]: servers }));

    const outcomes = await Promise.all([...servers, ...servers].map((server) => waits.arrive(JOB_A, [server], at)));

    expect(outcomes.filter((outcome) => outcome !== undefined)).toEqual([{ token: 'token-1', execution: 'payments-drill-1' }]);
  });

  it('while quotas hold servers back, ends with the first job done; knows no job it was not told of', async () => {
    const waits = await freshWaits();
    await waits.put(wait('anyJobDone', { [JOB_A]: ['s-1', 's-2'], [JOB_B]: ['s-3'] }));

    expect(await waits.arrive('drsjob-ccccccccccccccccc', ['s-9'], at)).toBeUndefined();
    expect(await waits.arrive(JOB_B, ['s-3'], at)).toEqual({ token: 'token-1', execution: 'payments-drill-1' });
  });

  it('registers a launch wait from the jobs CheckLaunch saw launching, every job after StartWave; the last server of a skipped job cannot end it', async () => {
    const waits = await freshWaits();
    const jobs: Record<string, Job> = { [JOB_A]: job(JOB_A, { 's-1': 'LAUNCHED', 's-2': 'FAILED' }), [JOB_B]: job(JOB_B, { 's-3': 'IN_PROGRESS', 's-4': 'LAUNCHED' }) };
    const read: string[][] = [];
    const drs = { listJobs: async ({ jobIDs = [] }: { jobIDs?: string[] }) => (read.push(jobIDs), jobIDs.map((jobID) => jobs[jobID]!)) };
    const services = { drs, waits, sendTaskSuccess: async () => {}, now: () => at };
    const wave = { jobIDs: [JOB_A, JOB_B], notStarted: 0, timeoutSeconds: 3600, actionsSucceeded: 0, actionsFailed: 0 };

    const afterCheck = await awaitLaunch({ token: 'token-1', execution: 'payments-drill-1', wave: { ...wave, launchingJobIDs: [JOB_B] } }, services);
    const afterStartWave = await awaitLaunch({ token: 'token-2', execution: 'payments-drill-1', wave }, services);

    expect(read).toEqual([[JOB_B], [JOB_A, JOB_B]]);
    expect(afterCheck).toEqual({ waitingFor: 1 });
    expect(afterStartWave).toEqual({ waitingFor: 1 });
    expect(await waits.arrive(JOB_A, ['s-2'], at)).toBeUndefined(); // a repeated result of a job over
    expect(await waits.arrive(JOB_B, ['s-3'], at)).toEqual({ token: 'token-2', execution: 'payments-drill-1' });
  });

  it('a new registration replaces the last: results meant for the old token resume nothing of it', async () => {
    const waits = await freshWaits();
    await waits.put(wait('allLaunched', { [JOB_A]: ['s-1', 's-2'] }));
    await waits.put({ ...wait('allLaunched', { [JOB_A]: ['s-2'] }), token: 'token-2' });

    expect(await waits.arrive(JOB_A, ['s-1'], at)).toBeUndefined();
    expect(await waits.arrive(JOB_A, ['s-2'], at)).toEqual({ token: 'token-2', execution: 'payments-drill-1' });
  });
});
