// Progress events of a failback: the recovery workflow's detail-types, with mode "failback" and
// the recovery it fails back (see the catalogue, shared/events/catalogue/).
import type { FailbackRunDetail } from '#shared/events/catalogue/run-detail.ts';
import type { FailbackRun } from './state.ts';

/** A failback run's event detail: the run it belongs to, and what is particular to the event. */
export function failbackDetail<Particular extends object>(run: FailbackRun, particular: Particular): FailbackRunDetail & Particular {
  return { plan: run.plan, mode: run.mode, execution: run.execution, recoveryExecution: run.recoveryExecution, ...particular };
}
