// The sweeper's view of Step Functions: whether an execution of the orchestrator is still running,
// asked of the recovery and failback state machines by the execution's name (DescribeExecution),
// and of the stopped-run workflow by what it is cleaning up after. EventBridge starts stopped-run
// executions under names Step Functions generates, so those are found by their input (the
// status-change event, which names the stopped execution), not by name.
import { DescribeExecutionCommand, ExecutionDoesNotExist, paginateListExecutions, type SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import type { ExecutionStatus, ExecutionStatusPort } from '#shared/sweep/port.ts';

/** The orchestrator's state machines, by ARN. */
export interface StateMachines {
  recovery: string;
  failback: string;
  stoppedRun: string;
}

/** An execution's ARN: its state machine's, with `execution` for `stateMachine` and its name after it. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** The part of a run's input the sweeper reads; anything else in it is the workflow's business. */
const RunInput = z.object({ skipCleanup: z.optional(z.boolean()) });
/** A stopped-run execution's input: Step Functions' status-change event of the stopped execution. */
const StoppedRunInput = z.object({ detail: z.object({ name: z.string() }) });

function parsedInput<Schema extends z.ZodMiniType>(schema: Schema, input: string | undefined): z.infer<Schema> | undefined {
  try {
    const parsed = z.safeParse(schema, JSON.parse(input ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The port over one sweep: the stopped-run workflow's running executions are listed once, on first
 * need, so create one per sweep. Errors other than ExecutionDoesNotExist (access, throttling past
 * the SDK's retries) are thrown: the sweep terminates nothing it has no status for.
 */
export function stepFunctionsExecutions(sfn: SFNClient, machines: StateMachines): ExecutionStatusPort {
  let cleaningUpAfter: Promise<Set<string>> | undefined;

  async function describe(executionArn: string) {
    try {
      return await sfn.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    }
  }

  async function stoppedRunsRunning(): Promise<Set<string>> {
    const names = new Set<string>();
    for await (const page of paginateListExecutions({ client: sfn }, { stateMachineArn: machines.stoppedRun, statusFilter: 'RUNNING' })) {
      for (const execution of page.executions ?? []) {
        if (execution.executionArn === undefined) continue;
        const stopped = parsedInput(StoppedRunInput, (await describe(execution.executionArn))?.input);
        if (stopped !== undefined) names.add(stopped.detail.name);
      }
    }
    return names;
  }

  return {
    async statusOf(execution): Promise<ExecutionStatus> {
      const described = (await Promise.all([machines.recovery, machines.failback].map((machine) => describe(executionArnOf(machine, execution))))).filter(
        (found) => found !== undefined,
      );
      const skipCleanup = described.some((found) => parsedInput(RunInput, found.input)?.skipCleanup === true);
      if (described.some((found) => found.status === 'RUNNING')) return { running: true, skipCleanup };
      cleaningUpAfter ??= stoppedRunsRunning();
      return { running: (await cleaningUpAfter).has(execution), skipCleanup };
    },
  };
}
