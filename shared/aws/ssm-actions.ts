// The SSM client of the action steps (SSM_ENDPOINT locally), in the home Region: start, poll and
// stop an Automation, read a document's parameters. Loaded only when a step runs or checks an
// automation (shared/aws/actions.ts): a function never pays for this client.
import { DescribeDocumentCommand, GetAutomationExecutionCommand, SSMClient, StartAutomationExecutionCommand, StopAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { SsmPort } from '#shared/actions/ports.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import { traced } from '#shared/powertools.ts';

// StartAutomationExecution is idempotent by its ClientToken: retrying it is safe.
const ssm = traced(new SSMClient({ region: homeRegion, endpoint: optionalEnv('SSM_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));

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
