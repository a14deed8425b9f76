// After an execution of the recovery state machine was stopped from outside (aborted in the
// console or the API, or past its TimeoutSeconds), none of its own steps run again: an aborted
// execution runs no Catch (drs-facts). EventBridge's "Step Functions Execution Status Change"
// event starts the stopped-run workflow (statemachines/stopped-run.asl.yaml), whose first step
// rebuilds the run from the event here; its drill clean-up and report are the recovery
// workflow's own steps.
import * as z from 'zod/mini';
import type { Deployment } from '#shared/accounts/placement.ts';
import { InvalidInputError } from '#shared/errors.ts';
import type { ExecutionInput } from '#shared/plan/input.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { parseExecutionInput, prepareRun } from './run.ts';
import type { RunState } from './state.ts';

/** The EventBridge event (the parts used): Step Functions puts the execution's input in it. */
export const StoppedExecutionEvent = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string(),
    name: z.string(),
    status: z.enum(['ABORTED', 'TIMED_OUT']),
    /** Epoch milliseconds, as $$.Execution.StartTime was when the run tagged its jobs. */
    startDate: z.number(),
    /** The execution input as a JSON string (null when it had none). */
    input: z.nullable(z.string()),
  }),
});
export type StoppedExecutionEvent = z.infer<typeof StoppedExecutionEvent>;

/**
 * The stopped execution's input, checked as ValidateInput checked it. Throws InvalidInputError
 * when it was never a valid run: then nothing was started.
 */
export function inputOfStoppedExecution(event: StoppedExecutionEvent): ExecutionInput {
  let input: unknown;
  try {
    input = JSON.parse(event.detail.input ?? 'null');
  } catch {
    throw new InvalidInputError(`execution ${event.detail.name}: its input is not JSON, so it started nothing`);
  }
  return parseExecutionInput(input);
}

/**
 * The stopped execution's run state, as its clean-up and report need it: the run as ValidateInput
 * made it (same name and start time, so the same job tags), marked stopped.
 */
export function stoppedRunState(event: StoppedExecutionEvent, input: ExecutionInput, plan: Plan, deployment: Deployment): RunState {
  const { detail } = event;
  const run = prepareRun(input, plan, detail.name, new Date(detail.startDate).toISOString(), deployment);
  const how = detail.status === 'ABORTED' ? 'was aborted (stopped from the console or the API)' : 'ran past its TimeoutSeconds';
  return {
    run,
    stopped: detail.status,
    stoppedExecutionArn: detail.executionArn,
    failure: {
      Error: detail.status === 'ABORTED' ? 'ExecutionAborted' : 'ExecutionTimedOut',
      Cause: `execution ${detail.name} ${how}; ${run.isDrill && !run.skipCleanup ? 'its drill instances were cleaned up after it' : 'its instances are kept'}`,
    },
  };
}
