// The action steps' AWS: Lambda (LAMBDA_ENDPOINT locally) to invoke a plan's functions, SSM
// (SSM_ENDPOINT locally) to run its Automation documents, in the home Region; AUTOMATION_ROLE_ARN is
// the role automations assume (the only one the orchestrator may pass). Loaded only by the steps
// that run or check actions.
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDocumentCommand, GetAutomationExecutionCommand, SSMClient, StartAutomationExecutionCommand, StopAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { FunctionNotInvokedError, type ActionPorts, type LambdaPort, type SsmPort } from '#shared/actions/ports.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import { traced } from '#shared/powertools.ts';

// No SDK retries of Invoke: a resent request could run the function twice (the ledger keeps the
// step's own retries from doing so). Throttling is answered before anything runs: retried.
const lambda = traced(new LambdaClient({ region: homeRegion, endpoint: optionalEnv('LAMBDA_ENDPOINT'), maxAttempts: 1 }));
const lambdaChecks = traced(new LambdaClient({ region: homeRegion, endpoint: optionalEnv('LAMBDA_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));
// StartAutomationExecution is idempotent by its ClientToken: retrying it is safe.
const ssm = traced(new SSMClient({ region: homeRegion, endpoint: optionalEnv('SSM_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));

const TIMED_OUT = /Task timed out after/;
/** Lambda's answers that mean it ran nothing and never will for this request. */
const REFUSED = new Set(['ResourceNotFoundException', 'AccessDeniedException', 'InvalidRequestContentException', 'RequestTooLargeException', 'InvalidParameterValueException']);

/** Lambda's answer to an Invoke: the result, or the function's error as the runtime wrote it. */
export const lambdaPort: LambdaPort = {
  async invoke(functionName, input, timeoutMs) {
    let answer;
    try {
      answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(input) }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'AbortError' || name === 'TimeoutError') {
        return { ok: false, timedOut: true, reason: `no answer within ${Math.round(timeoutMs / 1000)} s (the action's timeoutMinutes); the function may still be running` };
      }
      // Refused before anything ran, for good: the function is gone, or not the orchestrator's to invoke.
      if (REFUSED.has(name)) return { ok: false, timedOut: false, reason: `Lambda refused to invoke ${functionName}: ${name}: ${(error as Error).message}` };
      if (name === 'TooManyRequestsException') throw new FunctionNotInvokedError(`Lambda throttled the Invoke of ${functionName}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    const text = answer.Payload === undefined ? '' : new TextDecoder().decode(answer.Payload);
    if (answer.FunctionError === undefined) return { ok: true, result: text === '' ? 'null' : text };
    let message = text;
    try {
      const document = JSON.parse(text) as { errorType?: string; errorMessage?: string };
      message = `${document.errorType ? `${document.errorType}: ` : ''}${document.errorMessage ?? text}`;
    } catch {
      // Not the runtime's error document: its text is the reason.
    }
    return { ok: false, timedOut: TIMED_OUT.test(message), reason: message };
  },

  async check(functionName) {
    try {
      await lambdaChecks.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      return { ok: true };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return { ok: false, reason: 'does not exist in this account and Region' };
      if ((error as Error).name === 'AccessDeniedException') return { ok: false, reason: 'cannot be read by the orchestrator (AccessDenied): is it in the plan the stage deployed?' };
      throw error;
    }
  },
};

export const ssmPort: SsmPort = {
  async start(request) {
    const answer = await ssm.send(
      new StartAutomationExecutionCommand({
        DocumentName: request.document,
        DocumentVersion: request.version,
        Parameters: request.parameters,
        ClientToken: request.clientToken,
        Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    if (answer.AutomationExecutionId === undefined) throw new Error(`StartAutomationExecution of ${request.document} returned no execution ID`);
    return answer.AutomationExecutionId;
  },

  async get(id) {
    const { AutomationExecution: execution } = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));
    return {
      status: execution?.AutomationExecutionStatus ?? 'Pending',
      ...(execution?.ExecutionStartTime === undefined ? {} : { startedAt: execution.ExecutionStartTime.toISOString() }),
      ...(execution?.ExecutionEndTime === undefined ? {} : { endedAt: execution.ExecutionEndTime.toISOString() }),
      ...(execution?.Outputs === undefined ? {} : { outputs: execution.Outputs }),
      ...(execution?.FailureMessage === undefined ? {} : { failureMessage: execution.FailureMessage }),
    };
  },

  async stop(id) {
    try {
      await ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id, Type: 'Cancel' }));
    } catch (error) {
      // It ended between the poll and the stop: its own outcome is read at the next poll.
      if ((error as Error).name !== 'InvalidAutomationStatusUpdateException') throw error;
    }
  },

  async describeDocument(document, version) {
    try {
      const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: document, DocumentVersion: version }));
      const parameters = Document?.Parameters ?? [];
      return {
        names: parameters.flatMap((parameter) => (parameter.Name === undefined ? [] : [parameter.Name])),
        required: parameters.filter((parameter) => parameter.DefaultValue === undefined && parameter.Name !== undefined).map((parameter) => parameter.Name!),
      };
    } catch (error) {
      if ((error as Error).name === 'InvalidDocument' || (error as Error).name === 'InvalidDocumentVersion') return undefined;
      throw error;
    }
  },
};

/** The Lambda and SSM ports, and the automation role the stage configured. */
export function actionPorts(): Omit<ActionPorts, 'ledger'> {
  const automationRoleArn = optionalEnv('AUTOMATION_ROLE_ARN');
  return { lambda: lambdaPort, ssm: ssmPort, ...(automationRoleArn === undefined ? {} : { automationRoleArn }) };
}
