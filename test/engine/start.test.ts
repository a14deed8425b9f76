// The engine's start rules, which every loop (recovery, failback, clean-up, networks) inherits.
import { ConflictException, ServiceQuotaExceededException } from '@aws-sdk/client-drs';
import { describe, expect, it } from 'vitest';
import { jobsListedSince, launchCapacity, planJobs } from '#shared/drs/jobs.ts';
import type { Job } from '#shared/drs/port.ts';
import { firstPoll, nextPoll, POLL } from '#shared/engine/polling.ts';
import { startRound, startWithinQuotas, type JobLoop } from '#shared/engine/start.ts';

const id = (n: number): string => `s-${String(n).padStart(17, '0')}`;
const ids = (count: number) => Array.from({ length: count }, (_, n) => id(n));

/** A loop whose jobs carry the wave tag `w`; `refuse` answers a batch with an error instead. */
function loop(refuse: (batch: string[], call: number) => Error | undefined = () => undefined) {
  const calls: string[][] = [];
  const jobLoop: JobLoop = {
    owns: (job) => job.tags?.wave === 'w',
    itemsOf: (job) => (job.participatingServers ?? []).map((server) => server.sourceServerID ?? ''),
    async start(batch) {
      calls.push(batch);
      const error = refuse(batch, calls.length);
      if (error !== undefined) throw error;
      return { jobID: `drsjob-${calls.length}`, status: 'PENDING', tags: { wave: 'w' }, participatingServers: batch.map((sourceServerID) => ({ sourceServerID })) };
    },
  };
  return { jobLoop, calls };
}

const quotaError = () => new ServiceQuotaExceededException({ message: 'quota', $metadata: {}, serviceCode: 'drs', quotaCode: 'q' });
const conflictError = () => new ConflictException({ message: 'in another job', $metadata: {} });

describe('starting jobs within DRS quotas', () => {
  it('jobs hold at most 100 servers and never exceed the concurrent-job and active-server quotas', () => {
    expect(planJobs(ids(250), { jobs: 20, servers: 500 }).map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(planJobs(ids(250), { jobs: 2, servers: 500 }).map((batch) => batch.length)).toEqual([100, 100]);
    expect(planJobs(ids(250), { jobs: 20, servers: 130 }).map((batch) => batch.length)).toEqual([100, 30]);
    const busy: Job[] = Array.from({ length: 19 }, (_, n) => ({ jobID: `drsjob-${n}`, status: 'STARTED', participatingServers: Array.from({ length: 20 }, () => ({})) }));
    expect(launchCapacity(busy)).toEqual({ jobs: 1, servers: 120 });
  });

  it('a quota refusal stops the round and defers the rest; a conflict defers only its batch', async () => {
    const quota = loop((_batch, call) => (call === 2 ? quotaError() : undefined));
    const stopped = await startWithinQuotas(quota.jobLoop, ids(300), []);
    expect(quota.calls.map((batch) => batch.length)).toEqual([100, 100]);
    expect(stopped).toMatchObject({ startedIDs: ids(100), deferred: ids(300).slice(100) });

    const conflict = loop((_batch, call) => (call === 2 ? conflictError() : undefined));
    const skipped = await startWithinQuotas(conflict.jobLoop, ids(300), []);
    expect(conflict.calls.map((batch) => batch.length)).toEqual([100, 100, 100]);
    expect(skipped.deferred).toEqual(ids(300).slice(100, 200));
    expect(skipped.jobs).toHaveLength(2);
  });

  it('any other error reaches the state machine', async () => {
    const failing = loop(() => new Error('ValidationException'));
    await expect(startWithinQuotas(failing.jobLoop, ids(3), [])).rejects.toThrow('ValidationException');
  });

  it('a round reads back what the run already started and starts only the rest, oldest job first', async () => {
    const { jobLoop, calls } = loop();
    const earlier: Job = { jobID: 'drsjob-0', status: 'STARTED', tags: { wave: 'w' }, participatingServers: [{ sourceServerID: id(0) }] };
    const someoneElses: Job = { jobID: 'drsjob-x', status: 'STARTED', tags: { wave: 'other' }, participatingServers: [{ sourceServerID: id(1) }] };
    const round = await startRound(jobLoop, ids(3), [someoneElses, earlier]);
    expect(calls).toEqual([[id(1), id(2)]]);
    expect(round.jobIDs).toEqual(['drsjob-0', 'drsjob-1']);
    expect(round.alreadyStarted).toEqual(new Set([id(0)]));

    const again = await startRound(jobLoop, [id(0)], [earlier]);
    expect(calls).toHaveLength(1);
    expect(again.jobIDs).toEqual(['drsjob-0']);
  });

  it('the active jobs of others shrink what one round may start', async () => {
    const { jobLoop, calls } = loop();
    const busy: Job[] = Array.from({ length: 4 }, (_, n) => ({ jobID: `drsjob-b${n}`, status: 'STARTED', participatingServers: Array.from({ length: 100 }, () => ({})) }));
    const started = await startWithinQuotas(jobLoop, ids(250), busy);
    expect(calls.map((batch) => batch.length)).toEqual([100]);
    expect(started.deferred).toHaveLength(150);
  });
});

describe("where a quota-held wave's next DescribeJobs starts listing", () => {
  const created = (jobID: string, creationDateTime?: string): Job => ({ jobID, ...(creationDateTime === undefined ? {} : { creationDateTime }) });

  it('from the oldest of the active jobs and the wave\'s own, a second early: no active job is missed, older completed ones are not listed', () => {
    const active = [created('drsjob-1', '2026-03-01T03:10:00.400Z'), created('drsjob-2', '2026-03-01T02:55:12Z')];
    const waveJobs = [created('drsjob-2', '2026-03-01T02:55:12Z'), created('drsjob-3', '2026-03-01T03:20:00Z')];

    expect(jobsListedSince(active, waveJobs)).toBe('2026-03-01T02:55:11Z');
  });

  it('leaves out the wave\'s jobs done launching, and lists from the newest job it saw when nothing is active or launching', () => {
    const active = [created('drsjob-4', '2026-03-01T03:30:00Z')];
    const launching = [created('drsjob-3', '2026-03-01T03:20:00Z')];
    expect(jobsListedSince(active, launching)).toBe('2026-03-01T03:19:59Z');
    expect(jobsListedSince([], [], [created('drsjob-1', '2026-03-01T02:55:12Z'), created('drsjob-2', '2026-03-01T03:10:00Z')])).toBe('2026-03-01T03:09:59Z');
  });

  it('looks back the whole day when a creation time is unknown', () => {
    expect(jobsListedSince([created('drsjob-1')], [created('drsjob-2', '2026-03-01T02:55:12Z')])).toBeUndefined();
    expect(jobsListedSince([], [])).toBeUndefined();
  });
});

describe('adaptive polling', () => {
  it('backs off while nothing changes, up to the maximum, and returns to the minimum on progress', () => {
    let poll = firstPoll('0');
    const waits: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      poll = nextPoll(poll, '0');
      waits.push(poll.pollSeconds);
    }
    expect(waits).toEqual([23, 35, 53, 80, 120, 120, 120, 120]);
    expect(poll.waitedSeconds).toBe(15 + 23 + 35 + 53 + 80 + 120 + 120 + 120);
    expect(nextPoll(poll, '1').pollSeconds).toBe(POLL.minSeconds);
  });
});

describe('quotas per account (multi-account runs)', () => {
  it("each account starts within its own quotas: one account at its 20 active jobs starts nothing, the other starts its whole wave in the same round", async () => {
    // Prepare: account a has 20 active jobs (its concurrent-job quota); account b has none.
    const scopeOf = (item: string) => (item.startsWith('a-') || item.startsWith('drsjob-a') ? 'a@us-east-1' : 'b@us-east-1');
    const busyInA: Job[] = Array.from({ length: 20 }, (_, n) => ({ jobID: `drsjob-a${n}`, status: 'STARTED', participatingServers: [{ sourceServerID: `a-busy-${n}` }] }));
    const { jobLoop, calls } = loop();
    const items = [...Array.from({ length: 150 }, (_, n) => `a-${n}`), ...Array.from({ length: 150 }, (_, n) => `b-${n}`)];

    // Act
    const started = await startWithinQuotas({ ...jobLoop, scopeOf }, items, busyInA);

    // Assert: b's 150 servers went into jobs of 100 and 50; a's wait for a later round.
    expect(calls.map((batch) => [scopeOf(batch[0]), batch.length])).toEqual([
      ['b@us-east-1', 100],
      ['b@us-east-1', 50],
    ]);
    expect(calls.every((batch) => batch.every((item) => scopeOf(item) === scopeOf(batch[0])))).toBe(true);
    expect(started.deferred).toEqual(items.filter((item) => item.startsWith('a-')));
  });

  it('no job ever mixes accounts, and each account is batched against its own active servers', async () => {
    const scopeOf = (item: string) => item.split(':')[0];
    // 480 servers in active jobs in account a: room for 20 more there, 500 in b.
    const activeInA: Job[] = [{ jobID: 'a:job', status: 'STARTED', participatingServers: Array.from({ length: 480 }, (_, n) => ({ sourceServerID: `a:busy-${n}` })) }];
    const { jobLoop, calls } = loop();
    const items = Array.from({ length: 60 }, (_, n) => `${n % 2 === 0 ? 'a' : 'b'}:${n}`);

    const started = await startWithinQuotas({ ...jobLoop, scopeOf }, items, activeInA);

    expect(calls.map((batch) => [scopeOf(batch[0]), batch.length]).sort()).toEqual([
      ['a', 20],
      ['b', 30],
    ]);
    expect(calls.every((batch) => new Set(batch.map(scopeOf)).size === 1)).toBe(true);
    expect(started.deferred).toHaveLength(10);
  });
});
