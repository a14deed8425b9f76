// The engine loop of TERMINATE jobs: drill clean-up and failback's confirmed termination of the
// recovery instances.
import { recoveryInstanceIDsIn } from '#shared/drs/jobs.ts';
import { scopeOfPort } from '#shared/drs/fleet.ts';
import type { DrsPort } from '#shared/drs/port.ts';
import type { JobLoop } from './start.ts';

/**
 * TerminateRecoveryInstances of these instances. DescribeJobs cannot tell who started a TERMINATE
 * job (it carries no tags), so a job is this loop's when it names one of `instances`.
 */
export function terminateLoop(instances: ReadonlySet<string>, drs: Pick<DrsPort, 'terminateRecoveryInstances'>): JobLoop {
  return {
    owns: (job) => job.type === 'TERMINATE' && recoveryInstanceIDsIn([job]).some((id) => instances.has(id)),
    itemsOf: (job) => recoveryInstanceIDsIn([job]),
    start: (batch) => drs.terminateRecoveryInstances(batch),
    scopeOf: scopeOfPort(drs),
  };
}
