// The composition root's Step Functions client talks to SFN_ENDPOINT when it is set (the local
// Step Functions service here), as the DRS ports talk to DRS_ENDPOINT: the trigger's check for a
// run of the plan already going reads the local executions.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { defaultCredentials } from '#local/identity/index.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '#local/stepfunctions/index.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:drs-orchestrator-local-recovery';

let local: LocalStepFunctions;
let aws: typeof import('#shared/aws/sfn.ts');

beforeAll(async () => {
  local = await startLocalStepFunctions();
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('SFN_ENDPOINT', local.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', defaultCredentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', defaultCredentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', defaultCredentials.sessionToken);
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  aws = await import('#shared/aws/sfn.ts');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await local?.stop();
});

describe('the Step Functions client of the composition root', () => {
  it('talks to SFN_ENDPOINT: it lists the running executions the local service holds', async () => {
    local.executions.start({ stateMachineArn: STATE_MACHINE, name: 'payments-drill-1', input: '{}', startDate: new Date() });

    const { executions = [] } = await aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE, statusFilter: 'RUNNING' }));

    expect(executions.map((execution) => execution.name)).toEqual(['payments-drill-1']);
    expect(local.calls()).toMatchObject([{ operation: 'ListExecutions', account: '111122223333', region: 'eu-west-1', status: 200 }]);
  });
});
