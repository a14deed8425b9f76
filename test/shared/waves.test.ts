import { beforeEach, describe, expect, it } from 'vitest';
import type { WaveServers } from '#shared/lock/wave-servers.ts';
import type { Job, SourceServer } from '#shared/drs/port.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import { durationSeconds } from '#shared/drs/servers.ts';
import { nextPollSeconds, POLL } from '#shared/engine/polling.ts';
import { parsePlan } from '#shared/plan/load.ts';
import { cleanUpDrill } from '#shared/recovery/clean-up.ts';
import { runPreflight } from '#shared/recovery/preflight.ts';
import { decodeFlags, decodeSightings, encodeFlags, encodeSightings } from '#shared/recovery/sightings-codec.ts';
import type { WaveState } from '#shared/recovery/state.ts';
import { checkLaunch, checkPostLaunchActions, completeWave, startWave } from '#shared/recovery/waves.ts';
import { fakeDrs } from '../support/fake-drs.ts';
import { testRun } from '../support/runs.ts';

const id = (n: number): string => `s-${String(n).padStart(17, '0')}`;

function server(n: number, tags: Record<string, string>, overrides: Partial<SourceServer> = {}): SourceServer {
  return {
    sourceServerID: id(n),
    tags,
    sourceProperties: { identificationHints: { hostname: `host-${n}` } },
    dataReplicationInfo: { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT10S' },
    ...overrides,
  };
}

const run = testRun();

/** The lock table's wave servers, in memory (their DynamoDB form: test/lock/wave-servers.test.ts). */
function memoryWaveServers(): WaveServers & { puts: number } {
  const items = new Map<string, string[]>();
  return {
    puts: 0,
    async put(execution, waveIndex, ids) {
      this.puts += 1;
      items.set(`${execution}#${waveIndex}`, [...ids]);
    },
    async get(execution, waveIndex) {
      return items.get(`${execution}#${waveIndex}`);
    },
  };
}
let servers = memoryWaveServers();
beforeEach(() => {
  servers = memoryWaveServers();
});

const plan = parsePlan(
  `name: shop
targets: { rtoMinutes: 60, rpoMinutes: 15 }
waves:
  - { name: db, servers: { tags: { Tier: db } } }
  - { name: web, servers: { tags: { Tier: web } }, failureBudget: 1 }
`,
  'shop.yaml',
);

function waveOf(jobIDs: string[], overrides: Partial<WaveState> = {}): WaveState {
  return {
    index: 0, name: 'db', isLast: false, snapshot: 'latest', failureBudget: 0, timeoutSeconds: 3600,
    waitForPostLaunchActions: true, pauseAfterSeconds: 0, startedAt: run.startedAt, serverCount: 2, notStarted: 0,
    jobIDs, pollSeconds: 15, waitedSeconds: 0, progressSignature: '', launched: 0, failed: 0, launchDone: false,
    postLaunchActionsDone: false, actionsSucceeded: 0, actionsFailed: 0, actionsPending: 0, failedServers: [], warnings: [],
    ...overrides,
  };
}

describe('starting a wave', () => {
  it('a wave start retried after its StartRecovery succeeded starts no second job', async () => {
    const drs = fakeDrs({ servers: [server(1, { Tier: 'db' }), server(2, { Tier: 'db' }), server(3, { Tier: 'web' })] });
    const { wave: first } = await startWave({ run }, plan, drs, servers);
    const { wave: retried, isNew } = await startWave({ run }, plan, drs, servers);
    expect(drs.started).toHaveLength(1);
    expect(drs.started[0].sourceServers.map((s) => s.sourceServerID)).toEqual([id(1), id(2)]);
    expect(drs.started[0].tags).toMatchObject({ [TAG.execution]: 'exec-1', [TAG.wave]: 'db' });
    expect(drs.started[0].isDrill).toBe(true);
    expect(retried.jobIDs).toEqual(first.jobIDs);
    expect(retried.notStarted).toBe(0);
    expect(isNew).toBe(true);
  });

  it('starting a wave, also more of one that quotas held back, looks up no post-launch action server by server', async () => {
    const drs = fakeDrs({ servers: Array.from({ length: 600 }, (_, n) => server(n, { Tier: 'db' })) });
    const lookedUp: string[] = [];
    drs.listLaunchActions = async (sourceServerID) => {
      lookedUp.push(sourceServerID);
      return Number(sourceServerID.slice(2)) % 2 === 0 ? [{ actionId: 'a', active: true }] : [];
    };

    const { wave: first } = await startWave({ run }, plan, drs, servers);
    for (const job of drs.jobs) job.status = 'COMPLETED'; // capacity is free again
    const { wave: more, isNew } = await startWave({ run, wave: first }, plan, drs, servers);

    expect(first.notStarted).toBe(100); // 500 servers in active jobs at most
    expect(more.notStarted).toBe(0);
    expect(isNew).toBe(false);
    expect(lookedUp).toHaveLength(0);
  });

  it('a wave that quotas held back starts more only once a job has ended somewhere, from the servers its first round stored', async () => {
    const drs = fakeDrs({ servers: Array.from({ length: 600 }, (_, n) => server(n, { Tier: 'db' })) });
    let listings = 0;
    const listSourceServers = drs.listSourceServers.bind(drs);
    drs.listSourceServers = async (filter) => {
      listings += 1;
      return listSourceServers(filter);
    };

    const { wave: first } = await startWave({ run }, plan, drs, servers);
    const { wave: full } = await startWave({ run, wave: first }, plan, drs, servers);
    const stillFull = await checkLaunch(full, drs);
    drs.jobs[0].status = 'COMPLETED'; // 100 servers' room is free again
    const room = await checkLaunch(full, drs);
    const { wave: more } = await startWave({ run, wave: room }, plan, drs, servers);

    expect([stillFull.startable, room.startable]).toEqual([false, true]); // CheckLaunch sends the wave back to StartWave only then
    expect(room.launchingJobIDs).toHaveLength(5);
    expect(more.launchingJobIDs).toBeUndefined(); // the next registration reads every job, the new one too
    expect(listings).toBe(1); // the first round: the later one starts from the wave's servers it stored
    expect(servers.puts).toBe(1);
    expect(full).toEqual(first);
    expect(more.notStarted).toBe(0);
    expect(drs.started).toHaveLength(6);
  });
});

describe('a quota-held wave lists only the jobs that can still change', () => {
  it('a later round lists from the oldest job active or launching and reads the wave\'s older jobs by ID: no server is started twice', async () => {
    const drs = fakeDrs({ servers: Array.from({ length: 700 }, (_, n) => server(n, { Tier: 'db' })) });
    const listings: Array<{ jobIDs?: string[]; fromDate?: string }> = [];
    // As DRS: fromDate lists the jobs created since, newest first.
    drs.listJobs = async (filter) => {
      listings.push(filter);
      return filter.jobIDs ? drs.jobs.filter((job) => filter.jobIDs?.includes(job.jobID ?? '')) : drs.jobs.filter((job) => (job.creationDateTime ?? '') >= (filter.fromDate ?? ''));
    };

    const { wave: first } = await startWave({ run }, plan, drs, servers);
    expect(first).toMatchObject({ notStarted: 200 });
    // Five jobs a minute apart; the first two are done (COMPLETED, every server launched), the rest still launching.
    const oldestFirst = [...drs.jobs].reverse();
    oldestFirst.forEach((job, at) => {
      job.creationDateTime = `2026-01-01T00:0${at + 1}:00Z`;
      if (at < 2) {
        job.status = 'COMPLETED';
        for (const participant of job.participatingServers ?? []) Object.assign(participant, { launchStatus: 'LAUNCHED', recoveryInstanceID: `i-${participant.sourceServerID?.slice(2)}` });
      }
    });

    const checked = await checkLaunch(first, drs);
    expect(checked).toMatchObject({ startable: true, jobsListedSince: '2026-01-01T00:02:59Z' });
    listings.length = 0;
    const { wave: more } = await startWave({ run, wave: checked }, plan, drs, servers);

    expect(listings).toEqual([{ fromDate: '2026-01-01T00:02:59Z' }, { jobIDs: oldestFirst.slice(0, 2).map((job) => job.jobID) }]);
    const started = drs.started.flatMap((request) => request.sourceServers.map((source) => source.sourceServerID));
    expect(started).toHaveLength(700);
    expect(new Set(started).size).toBe(700);
    expect(more).toMatchObject({ notStarted: 0 });
    expect(more.jobIDs).toHaveLength(7);
  });
});

describe('watching a wave', () => {
  const job = (servers: Job['participatingServers']): Job => ({ jobID: 'drsjob-1', status: 'STARTED', participatingServers: servers });

  it('a job COMPLETED with a FAILED server is not a launched wave: the failure counts against the budget', async () => {
    const drs = fakeDrs({
      servers: [server(1, {}), server(2, {})],
      jobs: [{ ...job([{ sourceServerID: id(1), launchStatus: 'LAUNCHED' }, { sourceServerID: id(2), launchStatus: 'FAILED' }]), status: 'COMPLETED' }],
    });
    await expect(checkLaunch(waveOf(['drsjob-1']), drs)).rejects.toThrow(/wave "db": 1 of 2 servers failed, failure budget 0: s-0+2 \(host-2\): launch FAILED/);
    const within = await checkLaunch(waveOf(['drsjob-1'], { failureBudget: 1 }), drs);
    expect(within).toMatchObject({ launchDone: true, launched: 1, failed: 1 });
  });

  it("names the jobs with a server still launching, for the wait's registration to read only them; none once the launch is over", async () => {
    const drs = fakeDrs({
      jobs: [
        { jobID: 'drsjob-1', status: 'COMPLETED', participatingServers: [{ sourceServerID: id(1), launchStatus: 'LAUNCHED' }] },
        { jobID: 'drsjob-2', status: 'STARTED', participatingServers: [{ sourceServerID: id(2), launchStatus: 'IN_PROGRESS' }] },
      ],
    });

    const launching = await checkLaunch(waveOf(['drsjob-1', 'drsjob-2']), drs);
    drs.jobs[1]!.participatingServers![0]!.launchStatus = 'LAUNCHED';
    const launched = await checkLaunch(launching, drs);

    expect(launching.launchingJobIDs).toEqual(['drsjob-2']);
    expect(launched).toMatchObject({ launchDone: true, launched: 2 });
    expect(launched.launchingJobIDs).toBeUndefined();
  });

  it('polls back off while nothing changes and the wave times out naming the servers still launching', async () => {
    const drs = fakeDrs({ jobs: [job([{ sourceServerID: id(1), launchStatus: 'IN_PROGRESS' }])] });
    const first = await checkLaunch(waveOf(['drsjob-1']), drs);
    const second = await checkLaunch(first, drs);
    expect(first.pollSeconds).toBe(POLL.minSeconds);
    expect(second.pollSeconds).toBeGreaterThan(first.pollSeconds);
    await expect(checkLaunch(waveOf(['drsjob-1'], { waitedSeconds: 3590 }), drs)).rejects.toThrow(
      /wave "db" timed out .*1 of 2 servers not launched: s-0+1/,
    );
    expect(nextPollSeconds(POLL.maxSeconds, false)).toBe(POLL.maxSeconds);
  });

  it('a failed required post-launch action fails the server; a failed optional one is a warning', async () => {
    const runs = (optional: boolean) => ({
      ssmAgentDiscoveryDatetime: '2026-01-01T00:10:00Z',
      runs: [{ action: { name: 'verify', optional }, status: 'FAILED' as const, failureReason: 'exit 1' }],
    });
    const drs = fakeDrs({
      servers: [server(1, {})],
      jobs: [
        job([
          { sourceServerID: id(1), launchStatus: 'LAUNCHED', launchActionsStatus: runs(false) },
          { sourceServerID: id(2), launchStatus: 'LAUNCHED', launchActionsStatus: runs(true) },
        ]),
      ],
    });
    await expect(checkPostLaunchActions(waveOf(['drsjob-1'], { launchDone: true }), drs)).rejects.toThrow(
      /s-0+1 \(host-1\): post-launch action "verify" FAILED: exit 1/,
    );
    const lenient = await checkPostLaunchActions(waveOf(['drsjob-1'], { launchDone: true, failureBudget: 1 }), drs);
    expect(lenient).toMatchObject({ postLaunchActionsDone: true, failed: 1, actionsFailed: 2 });
    expect(lenient.warnings).toEqual([`${id(2)}: optional post-launch action "verify" FAILED: exit 1`]);
  });

  it('a launched server with actions whose SSM agent is not discovered yet is pending; one without actions is done', async () => {
    const drs = fakeDrs({ jobs: [job([{ sourceServerID: id(1), launchStatus: 'LAUNCHED' }])] });
    const expecting = waveOf(['drsjob-1'], { launchDone: true, expectingRuns: encodeFlags([true]) });
    expect((await checkPostLaunchActions(expecting, drs)).postLaunchActionsDone).toBe(false);
    expect((await checkPostLaunchActions(waveOf(['drsjob-1'], { launchDone: true }), drs)).postLaunchActionsDone).toBe(true);
  });
});

describe('learning which servers have post-launch actions', () => {
  const runsOf = (status: 'IN_PROGRESS' | 'SUCCEEDED') => ({ ssmAgentDiscoveryDatetime: '2026-01-01T00:05:00Z', runs: [{ action: { name: 'verify', optional: false }, status }] });

  it('servers whose runs or discovered agent DescribeJobs shows cost no look-up; one not discovered is looked up once the rest is done', async () => {
    const jobs: Job[] = [{ jobID: 'drsjob-1', status: 'STARTED', participatingServers: [
      { sourceServerID: id(1), launchStatus: 'LAUNCHED', launchActionsStatus: runsOf('IN_PROGRESS') },
      { sourceServerID: id(2), launchStatus: 'LAUNCHED', launchActionsStatus: { ssmAgentDiscoveryDatetime: '2026-01-01T00:05:00Z', runs: [] } },
      { sourceServerID: id(3), launchStatus: 'LAUNCHED' },
    ] }];
    const drs = fakeDrs({ jobs });
    const lookedUp: string[] = [];
    drs.listLaunchActions = async (sourceServerID) => {
      lookedUp.push(sourceServerID);
      return [];
    };
    const wave = waveOf(['drsjob-1'], { launchDone: true, serverCount: 3, ssmAgentTimeoutSeconds: 600 });

    const running = await checkPostLaunchActions(wave, drs);
    expect(lookedUp).toEqual([]); // s-…1's runs keep the wave waiting: s-…3's agent may still come
    expect(running.postLaunchActionsDone).toBe(false);

    jobs[0].participatingServers![0].launchActionsStatus = runsOf('SUCCEEDED');
    const done = await checkPostLaunchActions(running, drs);
    expect(lookedUp).toEqual([id(3)]);
    expect(done).toMatchObject({ postLaunchActionsDone: true, actionsSucceeded: 1, failed: 0 });
    const { ready, launch } = decodeSightings(done.sightings);
    expect(ready).toEqual([done.waitedSeconds, launch[1], launch[2]]); // no actions: ready since launch
  });
});

describe('launch configuration and the SSM agent', () => {
  it('a server whose launch configuration disables post-launch actions is not waited for, and the completed wave says so', async () => {
    const drs = fakeDrs({
      servers: [server(1, { Tier: 'db' }), server(2, { Tier: 'db' })],
      launchConfigurations: { [id(2)]: { sourceServerID: id(2), postLaunchEnabled: false } },
    });
    drs.listLaunchActions = async () => [{ actionId: 'verify', active: true }];

    const { wave } = await startWave({ run }, plan, drs, servers);
    const launched = { ...wave, launchDone: true, launched: 2 };
    for (const job of drs.jobs) job.participatingServers = job.participatingServers?.map((p) => ({ ...p, launchStatus: 'LAUNCHED' }));
    const checked = await checkPostLaunchActions(launched, drs);
    const [completed] = await completeWave({ run, wave: { ...checked, postLaunchActionsDone: true } }, drs, { put: async () => {}, get: async () => new Map() });

    expect(decodeFlags(checked.expectingRuns, 2)).toEqual([true, false]);
    expect(checked.postLaunchDisabled).toEqual({ count: 1, servers: [id(2)] });
    expect(checked.postLaunchActionsDone).toBe(false); // s-…1 waits for its runs; s-…2 does not
    expect(completed.warnings[0]).toMatch(/1 server has post-launch actions but its launch configuration disables them .* not waited for: s-0+2/);
  });

  it('a launched server whose SSM agent is not discovered within the plan setting fails by name, under the wave budget', async () => {
    const drs = fakeDrs({ servers: [server(1, {}), server(2, {})], jobs: [{ jobID: 'drsjob-1', status: 'STARTED', participatingServers: [
      { sourceServerID: id(1), launchStatus: 'LAUNCHED' },
      { sourceServerID: id(2), launchStatus: 'LAUNCHED', launchActionsStatus: { ssmAgentDiscoveryDatetime: '2026-01-01T00:05:00Z', runs: [] } },
    ] }] });
    const waiting = waveOf(['drsjob-1'], { launchDone: true, expectingRuns: encodeFlags([true, true]), ssmAgentTimeoutSeconds: 600, sightings: encodeSightings([100, 100], [null, null]), waitedSeconds: 700, pollSeconds: 60 });

    const early = await checkPostLaunchActions({ ...waiting, waitedSeconds: 500 }, drs);
    expect(early.failed).toBe(0);
    await expect(checkPostLaunchActions(waiting, drs)).rejects.toThrow(/s-0+1 \(host-1\): SSM agent not discovered 10 minutes after launch/);
    const within = await checkPostLaunchActions({ ...waiting, failureBudget: 1 }, drs);
    expect(within).toMatchObject({ failed: 1, postLaunchActionsDone: false }); // s-…2 was discovered: its runs are still to come
    expect(within.failedServers[0].sourceServerID).toBe(id(1));
  });
});

describe('preflight and clean-up', () => {
  const dbOnly = testRun({ waves: ['db'], sourceNetworks: 1 });

  it('preflight reports every problem at once: stalled, lagging, busy, unmatched selector', async () => {
    const drs = fakeDrs({
      servers: [
        server(1, { Tier: 'db' }, { dataReplicationInfo: { dataReplicationState: 'STALLED' } }),
        server(2, { Tier: 'db' }, { dataReplicationInfo: { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT1H' } }),
        server(3, { Tier: 'db' }),
      ],
      jobs: [{ jobID: 'drsjob-other', status: 'STARTED', participatingServers: [{ sourceServerID: id(3) }] }],
    });
    const error = await runPreflight(run, plan, drs, drs).catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ name: 'PreflightFailedError' });
    expect((error as Error).message).toMatch(/host-1\) is not replicating continuously \(data replication state STALLED\)/);
    expect((error as Error).message).toMatch(/host-2\) lags PT1H behind, beyond the RPO target of 15 minutes/);
    expect((error as Error).message).toMatch(/host-3\) is already in active DRS job drsjob-other/);
    expect((error as Error).message).toMatch(/wave "web": tag selector \{"Tier":"web"\} matches no source server/);
    expect(drs.started).toHaveLength(0);
    expect(durationSeconds('P1DT2H3M4.5S')).toBe(93784.5);
  });

  it('preflight names a source network that does not exist together with the server problems, and starts nothing', async () => {
    const planWithNetworks = parsePlan(
      `name: shop
targets: { rtoMinutes: 60, rpoMinutes: 15 }
sourceNetworks:
  - { id: sn-00000000000000001 }
  - { id: sn-0000000000000000x }
waves:
  - { name: db, servers: { tags: { Tier: db } } }
`,
      'shop.yaml',
    );
    const drs = fakeDrs({
      servers: [server(1, { Tier: 'db' }, { dataReplicationInfo: { dataReplicationState: 'STALLED' } })],
      sourceNetworks: [{ sourceNetworkID: 'sn-00000000000000001', replicationStatus: 'PROTECTED' }],
    });
    const asked: string[][] = [];
    const networks = { listSourceNetworks: async (ids: readonly string[]) => (asked.push([...ids]), drs.listSourceNetworks(ids)) };

    const error = await runPreflight(dbOnly, planWithNetworks, drs, networks).then(() => expect.fail('preflight passed'), (caught: unknown) => caught as Error);

    expect(error).toMatchObject({ name: 'PreflightFailedError' });
    expect(error.message).toMatch(/sourceNetworks\[1\]: source network sn-0000000000000000x does not exist in the orchestrator's account and Region/);
    expect(error.message).toMatch(/host-1\) is not replicating continuously/);
    expect(error.message).not.toContain('sn-00000000000000001');
    expect(asked).toEqual([['sn-00000000000000001', 'sn-0000000000000000x']]);
    expect(drs.calls).toEqual([]); // neither StartSourceNetworkRecovery nor StartRecovery
  });

  it('preflight warns of a source network DRS does not call protected, and reads no network for a plan without any', async () => {
    const planWithNetwork = parsePlan(
      `name: shop
targets: { rtoMinutes: 60, rpoMinutes: 15 }
sourceNetworks: [{ id: sn-00000000000000001 }]
waves:
  - { name: db, servers: { tags: { Tier: db } } }
`,
      'shop.yaml',
    );
    const drs = fakeDrs({
      servers: [server(1, { Tier: 'db' })],
      sourceNetworks: [{ sourceNetworkID: 'sn-00000000000000001', replicationStatus: 'ERROR', replicationStatusDetails: 'source VPC unreachable' }],
    });
    const unread = { listSourceNetworks: async (): Promise<never> => expect.fail('a plan without source networks reads none') };

    const preflight = await runPreflight(dbOnly, planWithNetwork, drs, drs);
    await runPreflight(dbOnly, parsePlan(`name: shop\ntargets: { rtoMinutes: 60, rpoMinutes: 15 }\nwaves:\n  - { name: db, servers: { tags: { Tier: db } } }\n`, 'shop.yaml'), drs, unread);

    expect(preflight.warnings).toContainEqual(expect.stringMatching(/source network sn-00000000000000001 is not protected \(replication ERROR: source VPC unreachable\)/));
    expect(preflight.serverCount).toBe(1);
  });

  it('preflight warns of a wave whose failure budget lets every server it resolved fail, naming the wave, its servers and its budget', async () => {
    const drs = fakeDrs({ servers: [server(1, { Tier: 'db' }), server(2, { Tier: 'db' }), server(3, { Tier: 'web' })] });

    // plan: db (2 servers by tag, budget 0), web (1 server by tag, budget 1)
    const preflight = await runPreflight(run, plan, drs, drs);

    expect(preflight.waves).toEqual([{ name: 'db', serverCount: 2 }, { name: 'web', serverCount: 1 }]);
    expect(preflight.warnings).toEqual([
      'wave "web" has 1 server and failureBudget 1: it may fail and the wave still "succeeds", with nothing recovered (set failureBudget below 1)',
    ]);
  });

  it('clean-up terminates, in jobs of at most 100, the instances of completed jobs and waits for jobs still running', async () => {
    const participants = Array.from({ length: 250 }, (_, n) => ({ sourceServerID: id(n), launchStatus: 'LAUNCHED' as const, recoveryInstanceID: `i-${String(n).padStart(17, '0')}` }));
    const tags = { [TAG.execution]: 'exec-1', [TAG.wave]: 'db' };
    const drs = fakeDrs({
      jobs: [
        { jobID: 'drsjob-c', type: 'LAUNCH', status: 'COMPLETED', tags: { [TAG.execution]: 'someone-else' }, participatingServers: [{ recoveryInstanceID: 'i-99999999', launchStatus: 'LAUNCHED' }] },
        { jobID: 'drsjob-b', type: 'LAUNCH', status: 'STARTED', tags, participatingServers: [{ sourceServerID: id(999), launchStatus: 'LAUNCHED', recoveryInstanceID: 'i-00000000000000999' }] },
        { jobID: 'drsjob-a', type: 'LAUNCH', status: 'COMPLETED', tags, participatingServers: participants },
      ],
    });
    const cleanup = await cleanUpDrill(run, undefined, drs);
    expect(drs.terminated.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(drs.terminated.flat()).not.toContain('i-99999999');
    expect(drs.terminated.flat()).not.toContain('i-00000000000000999');
    expect(cleanup).toMatchObject({ done: false, launchesInFlight: 1, instancesLaunched: 251, instancesLeft: 251, terminateJobIDs: ['drsjob-t1', 'drsjob-t2', 'drsjob-t3'] });
  });
});

describe('clean-up at scale', () => {
  it('a round asks DRS only about instances it can terminate now or whose TERMINATE job ended, and confirms each job once', async () => {
    const instance = (n: number) => `i-${String(n).padStart(17, '0')}`;
    const participants = Array.from({ length: 800 }, (_, n) => ({ sourceServerID: id(n), launchStatus: 'LAUNCHED' as const, recoveryInstanceID: instance(n) }));
    const tags = { [TAG.execution]: 'exec-1', [TAG.wave]: 'db' };
    const drs = fakeDrs({ jobs: [{ jobID: 'drsjob-a', type: 'LAUNCH', status: 'COMPLETED', tags, participatingServers: participants }] });
    const asked: string[][] = [];
    const listed = drs.listRecoveryInstances.bind(drs);
    const gone = new Set<string>();
    drs.listRecoveryInstances = async (filter) => {
      asked.push(filter.recoveryInstanceIDs ?? []);
      return (await listed(filter)).filter((found) => !gone.has(found.recoveryInstanceID ?? ''));
    };

    const first = await cleanUpDrill(run, undefined, drs);
    expect(asked[0]).toHaveLength(500); // 500 servers in active jobs at most: the other 300 wait
    expect(first).toMatchObject({ done: false, instancesLaunched: 800, instancesLeft: 800 });

    for (const job of drs.jobs) if (job.type === 'TERMINATE') {
      // As DRS: a TERMINATE job names its instances; this one has ended and they are gone.
      job.participatingServers = drs.terminated[Number(job.jobID?.slice('drsjob-t'.length)) - 1]!.map((recoveryInstanceID) => ({ recoveryInstanceID }));
      job.status = 'COMPLETED';
      for (const server of job.participatingServers ?? []) gone.add(server.recoveryInstanceID ?? '');
    }
    const second = await cleanUpDrill(run, first, drs);
    expect(asked[1]).toHaveLength(800); // the 500 terminated, confirmed gone; the 300 left, now startable
    expect(second).toMatchObject({ done: false, instancesTerminated: 500, instancesLeft: 300, confirmedJobIDs: ['drsjob-t1', 'drsjob-t2', 'drsjob-t3', 'drsjob-t4', 'drsjob-t5'] });

    for (const job of drs.jobs) if (job.type === 'TERMINATE' && job.participatingServers === undefined) {
      job.participatingServers = drs.terminated[Number(job.jobID?.slice('drsjob-t'.length)) - 1]!.map((recoveryInstanceID) => ({ recoveryInstanceID }));
    }
    const third = await cleanUpDrill(run, second, drs);
    expect(asked).toHaveLength(2); // no call: the confirmed jobs are not asked about again, the 300 are being terminated
    expect(third).toMatchObject({ done: false, instancesLeft: 300 });
  });
});

describe('clean-up lists only what can still change', () => {
  it('a later round lists the jobs created since the oldest one that can change, and reads by ID only the launch jobs whose instances the quotas let it terminate now', async () => {
    const instance = (n: number) => `i-${String(n).padStart(17, '0')}`;
    const tags = { [TAG.execution]: 'exec-1', [TAG.wave]: 'db' };
    // Eight completed launch jobs of 100 instances, a second apart, newest first as DRS lists them.
    const launches: Job[] = Array.from({ length: 8 }, (_, j) => ({
      jobID: `drsjob-l${j}`, type: 'LAUNCH' as const, status: 'COMPLETED' as const, tags, creationDateTime: `2026-01-01T00:00:0${j}Z`,
      participatingServers: Array.from({ length: 100 }, (_, n) => ({ sourceServerID: id(j * 100 + n), launchStatus: 'LAUNCHED' as const, recoveryInstanceID: instance(j * 100 + n) })),
    })).reverse();
    const drs = fakeDrs({ jobs: launches });
    const listings: Array<{ filter: { jobIDs?: string[]; fromDate?: string }; jobIDs: string[] }> = [];
    const gone = new Set<string>();
    // As DRS: fromDate lists the jobs created since; the instances of an ended TERMINATE job are gone.
    drs.listJobs = async (filter) => {
      const found = filter.jobIDs ? drs.jobs.filter((job) => filter.jobIDs?.includes(job.jobID ?? '')) : drs.jobs.filter((job) => (job.creationDateTime ?? '') >= (filter.fromDate ?? ''));
      listings.push({ filter, jobIDs: found.map((job) => job.jobID ?? '') });
      return found;
    };
    const listed = drs.listRecoveryInstances.bind(drs);
    drs.listRecoveryInstances = async (filter) => (await listed(filter)).filter((found) => !gone.has(found.recoveryInstanceID ?? ''));
    const describeTerminateJobs = (status: Job['status']) => {
      for (const job of drs.jobs) if (job.type === 'TERMINATE') {
        job.participatingServers ??= drs.terminated[Number(job.jobID?.slice('drsjob-t'.length)) - 1]!.map((recoveryInstanceID) => ({ recoveryInstanceID }));
        if (job.status !== 'COMPLETED') job.status = status;
        if (status === 'COMPLETED') for (const server of job.participatingServers) gone.add(server.recoveryInstanceID ?? '');
      }
    };

    const first = await cleanUpDrill(run, undefined, drs);
    expect(listings).toHaveLength(1); // the day's jobs, every launch job among them
    expect(drs.terminated.flat()).toEqual(Array.from({ length: 500 }, (_, n) => instance(n)));
    expect(first).toMatchObject({ done: false, instancesLaunched: 800, instancesLeft: 800, listedSince: '2026-01-01T00:00:59Z' });
    expect(first.launchJobs?.map((entry) => [entry.jobID, entry.handed])).toEqual([['drsjob-l5', 0], ['drsjob-l6', 0], ['drsjob-l7', 0]]);
    expect(first.handedLaunchJobs).toEqual({ jobIDs: ['drsjob-l0', 'drsjob-l1', 'drsjob-l2', 'drsjob-l3', 'drsjob-l4'], instances: 500 });

    describeTerminateJobs('STARTED');
    const second = await cleanUpDrill(run, first, drs);
    // Only the TERMINATE jobs are new; the quotas are full, so no launch job is read.
    expect(listings.slice(1)).toEqual([{ filter: { fromDate: '2026-01-01T00:00:59Z' }, jobIDs: ['drsjob-t5', 'drsjob-t4', 'drsjob-t3', 'drsjob-t2', 'drsjob-t1'] }]);
    expect(drs.terminated).toHaveLength(5);
    expect(second).toMatchObject({ done: false, instancesLeft: 800 });

    describeTerminateJobs('COMPLETED');
    const third = await cleanUpDrill(run, second, drs);
    expect(listings.slice(2).map((listing) => listing.filter)).toEqual([{ fromDate: '2026-01-01T00:00:59Z' }, { jobIDs: ['drsjob-l5', 'drsjob-l6', 'drsjob-l7'] }]);
    expect(drs.terminated.slice(5).flat()).toEqual(Array.from({ length: 300 }, (_, n) => instance(500 + n)));
    expect(third).toMatchObject({ done: false, instancesTerminated: 500, instancesLeft: 300, launchJobs: [], confirmedJobIDs: ['drsjob-t1', 'drsjob-t2', 'drsjob-t3', 'drsjob-t4', 'drsjob-t5'] });

    describeTerminateJobs('COMPLETED');
    const fourth = await cleanUpDrill(run, third, drs);
    expect(listings.slice(4).map((listing) => listing.filter)).toEqual([{ fromDate: '2026-01-01T00:00:59Z' }]);
    expect(fourth).toMatchObject({ done: true, instancesLaunched: 800, instancesTerminated: 800, instancesLeft: 0 });
  });
});

describe('clean-up polls', () => {
  const instance = (n: number) => `i-${String(n).padStart(17, '0')}`;
  const tags = { [TAG.execution]: 'exec-1', [TAG.wave]: 'db' };
  const launchJob = (jobID: string, status: Job['status'], jobTags: Record<string, string>, first: number): Job => ({
    jobID, type: 'LAUNCH', status, tags: jobTags,
    participatingServers: Array.from({ length: 100 }, (_, n) => ({ sourceServerID: id(first + n), launchStatus: 'LAUNCHED' as const, recoveryInstanceID: instance(first + n) })),
  });

  it('looks again at the shortest interval while a TERMINATE job of its own runs, where nothing changes until it ends', async () => {
    const drs = fakeDrs({ jobs: [launchJob('drsjob-l0', 'COMPLETED', tags, 0)] });
    const first = await cleanUpDrill(run, undefined, drs);
    // As DRS: the TERMINATE job names its instances, and runs for a while.
    const terminate = drs.jobs.find((job) => job.type === 'TERMINATE')!;
    terminate.participatingServers = drs.terminated[0]!.map((recoveryInstanceID) => ({ recoveryInstanceID }));

    const second = await cleanUpDrill(run, first, drs);
    const third = await cleanUpDrill(run, second, drs);

    expect([first, second, third].map((round) => [round.instancesLeft, round.pollSeconds])).toEqual([[100, POLL.minSeconds], [100, POLL.minSeconds], [100, POLL.minSeconds]]);
    expect(drs.terminated).toHaveLength(1);
  });

  it('backs off while nothing of its own is in flight: another run holds every server DRS allows in active jobs', async () => {
    const other = { [TAG.execution]: 'someone-else' };
    const drs = fakeDrs({ jobs: [launchJob('drsjob-l0', 'COMPLETED', tags, 0), ...[1, 2, 3, 4, 5].map((j) => launchJob(`drsjob-o${j}`, 'STARTED', other, j * 100))] });

    const first = await cleanUpDrill(run, undefined, drs);
    const second = await cleanUpDrill(run, first, drs);
    const third = await cleanUpDrill(run, second, drs);

    expect(drs.terminated).toEqual([]);
    expect([first, second, third].map((round) => round.pollSeconds)).toEqual([POLL.minSeconds, nextPollSeconds(POLL.minSeconds, false), nextPollSeconds(nextPollSeconds(POLL.minSeconds, false), false)]);
  });
});

describe('sightings in the state', () => {
  it('encode to one character a server while a wave has fewer than 64 distinct moments, and decode to the same arrays', () => {
    const launch = [15, 15, null, 30, 45];
    const ready = [30, null, null, 45, 45];
    const sightings = encodeSightings(launch, ready);
    expect(sightings.times).toEqual([15, 30, 45]);
    expect(sightings.launch).toHaveLength(5);
    expect(decodeSightings(sightings)).toEqual({ launch, ready });
  });

  it('take two characters a server beyond 63 moments, still exact', () => {
    const launch = Array.from({ length: 500 }, (_, index) => (index % 7 === 0 ? null : index * 15));
    const sightings = encodeSightings(launch, launch);
    expect(sightings.launch).toHaveLength(1000);
    expect(decodeSightings(sightings).launch).toEqual(launch);
  });
});
