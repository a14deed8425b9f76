// Starts the run a trigger decided on, at most once per plan at a time: a run of the same plan
// already in progress refuses the start, and a repeated delivery of one event is a duplicate.
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  paginateListExecutions,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { TriggerDecision } from './mapping.ts';

export interface TriggerResult {
  outcome: 'started' | 'duplicate' | 'refused' | 'ignored';
  executionName?: string;
  executionArn?: string;
  reason: string;
}

interface RunningExecution {
  name: string;
  executionArn: string;
  plan?: string;
}

/** The plan of an execution, from its input; undefined when the input names none. */
function planOfInput(input: string | undefined): string | undefined {
  try {
    const parsed: unknown = JSON.parse(input ?? '');
    if (typeof parsed === 'object' && parsed !== null && 'plan' in parsed && typeof parsed.plan === 'string') return parsed.plan;
  } catch {
    // An input that is not JSON cannot have started a run of any plan (ValidateInput rejects it).
  }
  return undefined;
}

/**
 * The executions RUNNING now, with their plans. The plan is read from each input (DescribeExecution)
 * rather than guessed from the name: runs started from the console have names of their own.
 */
async function runningExecutions(sfn: SFNClient, stateMachineArn: string): Promise<RunningExecution[]> {
  const running: RunningExecution[] = [];
  for await (const page of paginateListExecutions({ client: sfn }, { stateMachineArn, statusFilter: 'RUNNING' })) {
    for (const execution of page.executions ?? []) {
      if (execution.executionArn === undefined || execution.name === undefined) continue;
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
      running.push({ name: execution.name, executionArn: execution.executionArn, plan: planOfInput(described.input) });
    }
  }
  return running;
}

/**
 * Starts `decision` on the state machine unless it is ignored, already running (duplicate) or a run
 * of its plan is in progress (refused). A repeated delivery after the first run ended gets
 * ExecutionAlreadyExists from Step Functions (names are unique for 90 days): a handled duplicate.
 */
export async function startTriggeredRun(decision: TriggerDecision, sfn: SFNClient, stateMachineArn: string): Promise<TriggerResult> {
  if (decision.action === 'ignored') return { outcome: 'ignored', reason: decision.reason };
  const { executionName, input } = decision;

  const running = await runningExecutions(sfn, stateMachineArn);
  const same = running.find((execution) => execution.name === executionName);
  if (same !== undefined) {
    return { outcome: 'duplicate', executionName, executionArn: same.executionArn, reason: `execution ${executionName} is already running: this event was delivered before` };
  }
  const busy = running.find((execution) => execution.plan === input.plan);
  if (busy !== undefined) {
    return {
      outcome: 'refused',
      executionName,
      reason: `plan "${input.plan}" already has a run in progress (${busy.name}); one run per plan at a time, nothing was started`,
    };
  }

  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    return { outcome: 'started', executionName, executionArn: started.executionArn, reason: `${input.mode} of plan "${input.plan}" started` };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists || (error instanceof Error && error.name === 'ExecutionAlreadyExists')) {
      return { outcome: 'duplicate', executionName, reason: `execution ${executionName} already exists: this event was delivered before and started it` };
    }
    throw error;
  }
}
