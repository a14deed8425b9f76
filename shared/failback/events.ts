// Progress events of a failback: the recovery workflow's event types, with mode "failback".
import type { ProgressDetail } from '../events/progress.ts';
import type { FailbackRun } from './state.ts';

export function failbackDetail(run: FailbackRun, more: Record<string, unknown> = {}): ProgressDetail {
  return { plan: run.plan, mode: run.mode, execution: run.execution, recoveryExecution: run.recoveryExecution, ...more };
}
