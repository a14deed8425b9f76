// The multi-account port: each call goes to the account its IDs are in, a job never mixes
// accounts, and listings by IDs it has seen ask only their accounts.
import { describe, expect, it } from 'vitest';
import { fleetPort, spansScopes, UnknownScopeError } from '#shared/drs/fleet.ts';
import type { FullDrsPort, Job, SourceServer } from '#shared/drs/port.ts';
import { fakeDrs } from '../support/fake-drs.ts';

const server = (id: string): SourceServer => ({ sourceServerID: id });

/** A fake account that counts its listings by the filter they got. */
function account(ids: string[]) {
  const drs = fakeDrs({ servers: ids.map(server) });
  const listings: unknown[] = [];
  const counted: FullDrsPort = {
    ...drs,
    listJobs: (filter) => {
      listings.push(filter);
      return drs.listJobs(filter);
    },
  };
  return { drs, counted, listings };
}

describe('the multi-account port', () => {
  it('starts each batch in the account its servers are in, and refuses a batch across accounts', async () => {
    const a = account(['s-a0000000000000001', 's-a0000000000000002']);
    const b = account(['s-b0000000000000001']);
    const fleet = fleetPort(new Map([['a@us-east-1', a.counted], ['b@us-east-1', b.counted]]));
    await fleet.listSourceServers();

    const job = await fleet.startRecovery({ sourceServers: [{ sourceServerID: 's-b0000000000000001' }], isDrill: true, tags: {} });

    expect(b.drs.started).toHaveLength(1);
    expect(a.drs.started).toHaveLength(0);
    expect(fleet.scopeOf(job.jobID ?? '')).toBe('b@us-east-1');
    await expect(
      fleet.startRecovery({ sourceServers: [{ sourceServerID: 's-a0000000000000001' }, { sourceServerID: 's-b0000000000000001' }], isDrill: true, tags: {} }),
    ).rejects.toThrow(UnknownScopeError);
  });

  it('with one account (however many staging accounts replicate into it), sends every call there without looking an ID up first', async () => {
    const a = account(['s-a0000000000000001', 's-a0000000000000002']);
    let listed = 0;
    const port: FullDrsPort = {
      ...a.counted,
      listSourceServers: (filter) => {
        listed += 1;
        return a.drs.listSourceServers(filter);
      },
    };
    const fleet = fleetPort(new Map([['a@us-east-1', port]]));

    const job = await fleet.startRecovery({ sourceServers: [{ sourceServerID: 's-a0000000000000002' }], isDrill: true, tags: {} });

    expect(a.drs.started).toHaveLength(1);
    expect(listed).toBe(0);
    expect(fleet.scopeOf('s-a0000000000000001')).toBe('a@us-east-1');
    expect(fleet.scopeOf(job.jobID ?? '')).toBe('a@us-east-1');
    expect(spansScopes(fleet)).toBe(false);
    expect(spansScopes(fleetPort(new Map([['a@us-east-1', port], ['b@us-east-1', account([]).counted]])))).toBe(true);
  });

  it('finds the account of a server it has not listed yet (a retried step in a cold container)', async () => {
    const a = account(['s-a0000000000000001']);
    const b = account(['s-b0000000000000001']);
    const fleet = fleetPort(new Map([['a@us-east-1', a.counted], ['b@us-east-1', b.counted]]));

    await fleet.startRecovery({ sourceServers: [{ sourceServerID: 's-b0000000000000001' }], isDrill: false, tags: {} });

    expect(b.drs.started).toHaveLength(1);
  });

  it('asks only the accounts of jobs it has seen, each for its own; unseen jobs go to every account', async () => {
    const a = account(['s-a0000000000000001']);
    const b = account(['s-b0000000000000001']);
    const fleet = fleetPort(new Map([['a@us-east-1', a.counted], ['b@us-east-1', b.counted]]));
    await fleet.listSourceServers();
    const jobA = (await fleet.startRecovery({ sourceServers: [{ sourceServerID: 's-a0000000000000001' }], isDrill: true, tags: {} })) as Job;

    await fleet.listJobs({ jobIDs: [jobA.jobID ?? ''] });
    await fleet.listJobs({ jobIDs: ['drsjob-unseen0000000001'] });

    expect(a.listings).toEqual([{ jobIDs: [jobA.jobID] }, { jobIDs: ['drsjob-unseen0000000001'] }]);
    expect(b.listings).toEqual([{ jobIDs: ['drsjob-unseen0000000001'] }]);
  });

  it("learns the account of what a job read by its known ID names: its instances (clean-up sorts them by account's quota)", async () => {
    const a = account(['s-a0000000000000001']);
    const b = account(['s-b0000000000000001']);
    const fleet = fleetPort(new Map([['a@us-east-1', a.counted], ['b@us-east-1', b.counted]]));
    await fleet.listSourceServers();
    const job = await fleet.startRecovery({ sourceServers: [{ sourceServerID: 's-b0000000000000001' }], isDrill: true, tags: {} });
    // As DRS: the job launched its server's recovery instance since it started.
    b.drs.jobs[0]!.participatingServers = [{ sourceServerID: 's-b0000000000000001', launchStatus: 'LAUNCHED', recoveryInstanceID: 'i-b0000000000000001' }];
    expect(fleet.scopeOf('i-b0000000000000001')).toBeUndefined();

    await fleet.listJobs({ jobIDs: [job.jobID ?? ''] });

    expect(b.listings).toEqual([{ jobIDs: [job.jobID] }]);
    expect(fleet.scopeOf('i-b0000000000000001')).toBe('b@us-east-1');
  });
});
