// The orphan sweeper's rules, over plain data: which drill instances it terminates, which it
// leaves, which it only lists; never a recovery instance.
import { ConflictException } from '@aws-sdk/client-drs';
import { describe, expect, it } from 'vitest';
import type { Job, RecoveryInstance } from '#shared/drs/port.ts';
import { TAG } from '#shared/drs/run-ref.ts';
import type { ExecutionStatus, ExecutionStatusPort } from '#shared/sweep/port.ts';
import { sweepOrphans, type SweepOptions, type SweepScope } from '#shared/sweep/sweep.ts';
import { fakeDrs, type FakeDrs } from '../support/fake-drs.ts';

const NOW = new Date('2026-03-02T02:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();
const instanceID = (n: number) => `i-${String(n).padStart(17, '0')}`;

/** A LAUNCH job, tagged by the orchestrator's run `execution` unless `execution` is undefined. */
function launchJob(jobID: string, execution: string | undefined, createdHoursAgo = 1): Job {
  const tags: Record<string, string> = execution === undefined ? {} : { [TAG.plan]: 'payments', [TAG.execution]: execution, [TAG.wave]: 'web', [TAG.mode]: 'drill' };
  return { jobID, type: 'LAUNCH', status: 'COMPLETED', creationDateTime: hoursAgo(createdHoursAgo), tags };
}

function instance(n: number, jobID: string, isDrill = true): RecoveryInstance {
  return { recoveryInstanceID: instanceID(n), sourceServerID: `s-${String(n).padStart(17, '0')}`, jobID, isDrill, pointInTimeSnapshotDateTime: hoursAgo(30 * 24) };
}

/** Step Functions as plain data: execution name → its status; any other name is unknown (ended). */
function executions(known: Record<string, Partial<ExecutionStatus>>): ExecutionStatusPort & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async statusOf(execution) {
      asked.push(execution);
      return { running: false, skipCleanup: false, ...known[execution] };
    },
  };
}

const scope = (drs: FakeDrs, label = 'account home in us-east-1'): SweepScope => ({ label, drs });
const options = (given: Partial<SweepOptions> = {}): SweepOptions => ({ olderThanHours: 24, terminateUnknown: false, dryRun: false, now: NOW, ...given });

describe('the orphan sweeper', () => {
  it('terminates the drill instances of runs that ended, leaves those of a run still running, and never a recovery instance', async () => {
    const drs = fakeDrs({
      jobs: [launchJob('drsjob-ended', 'payments-drill-1'), launchJob('drsjob-running', 'payments-drill-2'), launchJob('drsjob-recovery', 'payments-recovery-1')],
      instances: [instance(1, 'drsjob-ended'), instance(2, 'drsjob-ended'), instance(3, 'drsjob-running'), instance(4, 'drsjob-recovery', false)],
    });
    const status = executions({ 'payments-drill-2': { running: true } });

    const result = await sweepOrphans([scope(drs)], status, options());

    expect(drs.terminated).toEqual([[instanceID(1), instanceID(2)]]);
    expect(result).toMatchObject({ dryRun: false, found: 2, terminated: 2, leftRunning: 1, unknownListed: 0, failed: 0, problems: [] });
    expect(result.instances.map(({ recoveryInstanceID, action, execution }) => [recoveryInstanceID, action, execution])).toEqual([
      [instanceID(1), 'terminated', 'payments-drill-1'],
      [instanceID(2), 'terminated', 'payments-drill-1'],
      [instanceID(3), 'left', 'payments-drill-2'],
    ]);
    // Each run's status asked once; the recovery instance's run not at all.
    expect(status.asked).toEqual(['payments-drill-1', 'payments-drill-2']);
  });

  it('lists a drill instance the orchestrator did not launch once it is older than olderThanHours, and terminates it only with terminateUnknown', async () => {
    const data = () => ({
      jobs: [launchJob('drsjob-console-old', undefined, 30), launchJob('drsjob-console-new', undefined, 2)],
      instances: [instance(1, 'drsjob-console-old'), instance(2, 'drsjob-console-new')],
    });
    const listing = fakeDrs(data());
    const terminating = fakeDrs(data());

    const listed = await sweepOrphans([scope(listing)], executions({}), options());
    const terminated = await sweepOrphans([scope(terminating)], executions({}), options({ terminateUnknown: true }));

    expect(listing.terminated).toEqual([]);
    expect(listed).toMatchObject({ found: 1, terminated: 0, unknownListed: 1 });
    expect(listed.instances.map(({ action, ageHours }) => [action, ageHours])).toEqual([
      ['listed', 30],
      ['left', 2],
    ]);
    expect(listed.instances[0].reason).toMatch(/not launched by the orchestrator; older than 24 h/);
    expect(terminating.terminated).toEqual([[instanceID(1)]]);
    expect(terminated).toMatchObject({ found: 1, terminated: 1, unknownListed: 1 });
  });

  it('dates an instance whose launch job DRS no longer lists by its point-in-time snapshot', async () => {
    const drs = fakeDrs({ jobs: [], instances: [{ ...instance(1, 'drsjob-gone'), pointInTimeSnapshotDateTime: hoursAgo(48) }] });

    const result = await sweepOrphans([scope(drs)], executions({}), options());

    expect(result.instances).toMatchObject([{ action: 'listed', ageHours: 48 }]);
  });

  it('treats the instances of a run that asked to keep them (skipCleanup) like those it did not launch', async () => {
    const drs = fakeDrs({
      jobs: [launchJob('drsjob-kept-new', 'payments-drill-kept', 1), launchJob('drsjob-kept-old', 'payments-drill-kept-long-ago', 50)],
      instances: [instance(1, 'drsjob-kept-new'), instance(2, 'drsjob-kept-old')],
    });
    const status = executions({ 'payments-drill-kept': { skipCleanup: true }, 'payments-drill-kept-long-ago': { skipCleanup: true } });

    const result = await sweepOrphans([scope(drs)], status, options());

    expect(drs.terminated).toEqual([]);
    expect(result).toMatchObject({ found: 1, unknownListed: 1, terminated: 0 });
    expect(result.instances.map(({ action }) => action)).toEqual(['left', 'listed']);
    expect(result.instances[1].reason).toMatch(/kept at the request of execution payments-drill-kept-long-ago \(skipCleanup\)/);
  });

  it('in a dry run terminates nothing and says what it would terminate', async () => {
    const drs = fakeDrs({ jobs: [launchJob('drsjob-ended', 'payments-drill-1')], instances: [instance(1, 'drsjob-ended')] });

    const result = await sweepOrphans([scope(drs)], executions({}), options({ dryRun: true, terminateUnknown: true }));

    expect(drs.calls).toEqual([]);
    expect(result).toMatchObject({ dryRun: true, found: 1, terminated: 0, failed: 0 });
    expect(result.instances).toMatchObject([{ action: 'would terminate' }]);
  });

  it('terminates in jobs of at most 100 within the quotas, and does not terminate twice what an active TERMINATE job already holds', async () => {
    const orphans = Array.from({ length: 251 }, (_, n) => instance(n, 'drsjob-ended'));
    const beingTerminated: Job = { jobID: 'drsjob-t0', type: 'TERMINATE', status: 'STARTED', participatingServers: [{ recoveryInstanceID: instanceID(0) }] };
    const drs = fakeDrs({ jobs: [beingTerminated, launchJob('drsjob-ended', 'payments-drill-1')], instances: orphans });

    const result = await sweepOrphans([scope(drs)], executions({}), options());

    expect(drs.terminated.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(drs.terminated.flat()).not.toContain(instanceID(0));
    expect(result).toMatchObject({ found: 251, terminated: 251, failed: 0 });
  });

  it('counts an instance DRS refuses to terminate for now as failed, and a scope it cannot read as a problem, while sweeping the others', async () => {
    const refusing = fakeDrs({ jobs: [launchJob('drsjob-ended', 'payments-drill-1')], instances: [instance(1, 'drsjob-ended')] });
    refusing.terminateRecoveryInstances = async () => {
      throw new ConflictException({ message: 'Recovery instance is in active job', $metadata: {} });
    };
    const unreachable = fakeDrs();
    unreachable.listRecoveryInstances = async () => {
      throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' });
    };

    const result = await sweepOrphans([scope(refusing), scope(unreachable, 'account target-b (222233334444) in eu-west-1')], executions({}), options());

    expect(result).toMatchObject({ found: 1, terminated: 0, failed: 1 });
    expect(result.instances[0].reason).toMatch(/the next sweep tries again/);
    expect(result.problems).toEqual(['account target-b (222233334444) in eu-west-1: could not list its drill instances: AccessDenied: not authorized to perform sts:AssumeRole']);
  });

  it('terminates nothing when a run\'s status cannot be read', async () => {
    const drs = fakeDrs({ jobs: [launchJob('drsjob-ended', 'payments-drill-1')], instances: [instance(1, 'drsjob-ended')] });
    const failing: ExecutionStatusPort = {
      statusOf: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    };

    await expect(sweepOrphans([scope(drs)], failing, options())).rejects.toThrow('Rate exceeded');
    expect(drs.calls).toEqual([]);
  });
});
