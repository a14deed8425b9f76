// What Step Functions says of an execution, for the plan lock: whether the run holding a plan is
// still running. DescribeExecution reads the execution itself (ListExecutions is eventually
// consistent: a run that just started may be missing from it).
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '#shared/aws/sfn.ts';
import type { ExecutionStatusOf } from '#shared/lock/plan-lock.ts';

/** RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT (…), or NOT_FOUND for an execution Step Functions does not know. */
export const executionStatusOf: ExecutionStatusOf = async (executionArn) => {
  try {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return described.status ?? 'UNKNOWN';
  } catch (error) {
    // Deleted with its state machine, or past the 90 days Step Functions keeps ended executions.
    if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return 'NOT_FOUND';
    throw error;
  }
};
