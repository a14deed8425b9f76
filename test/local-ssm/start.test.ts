// StartAutomationExecution's checks and its ClientToken, DescribeDocument (the orchestrator's
// preflight) and DescribeAutomationExecutions' filters and pages, through the unmodified
// @aws-sdk/client-ssm; and whose executions and documents a caller sees.
import { afterEach, describe, expect, it } from 'vitest';
import {
  DescribeAutomationExecutionsCommand,
  DescribeDocumentCommand,
  GetAutomationExecutionCommand,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
  paginateDescribeAutomationExecutions,
  type AutomationExecutionMetadata,
} from '@aws-sdk/client-ssm';
import { OUTSIDER, REGION, SMOKE_TEST, failureOf, mallory, operator, startTestSsm, type TestSsm } from './helpers.ts';

let t: TestSsm | undefined;
afterEach(async () => {
  await t?.ssm.stop();
  t = undefined;
});

const TOKEN = '0b7f5c1e-4d2a-4c3b-9e8f-1a2b3c4d5e6f';
const smokeTest = (extra: Partial<ConstructorParameters<typeof StartAutomationExecutionCommand>[0]> = {}) =>
  new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] }, ...extra });

describe('StartAutomationExecution with a ClientToken', () => {
  it('answers the same request sent again with the same token with the execution it started: one execution', async () => {
    t = await startTestSsm();
    const client = t.client();

    const first = await client.send(smokeTest({ ClientToken: TOKEN }));
    t.clock.advanceSeconds(10);
    const retried = await client.send(smokeTest({ ClientToken: TOKEN.toUpperCase() }));

    expect(retried.AutomationExecutionId).toBe(first.AutomationExecutionId);
    expect(t.ssm.state().executions).toHaveLength(1);
    expect(t.ssm.state().executions[0]).toMatchObject({ clientToken: TOKEN, startMs: t.clock.ms - 10_000 });
  });

  it('answers the token reused with other parameters or another document with IdempotentParameterMismatch, starting nothing', async () => {
    t = await startTestSsm({ documents: [SMOKE_TEST, { ...SMOKE_TEST, name: 'Payments-Warmup' }] });
    const client = t.client();
    await client.send(smokeTest({ ClientToken: TOKEN }));

    const otherParameters = await failureOf(client.send(smokeTest({ ClientToken: TOKEN, Parameters: { InstanceIds: ['i-2'] } })));
    const otherDocument = await failureOf(client.send(smokeTest({ ClientToken: TOKEN, DocumentName: 'Payments-Warmup' })));

    expect(otherParameters).toMatchObject({ name: 'IdempotentParameterMismatch', message: expect.stringContaining(TOKEN), $metadata: { httpStatusCode: 400 } });
    expect(otherDocument).toMatchObject({ name: 'IdempotentParameterMismatch' });
    expect(t.ssm.state().executions).toHaveLength(1);
  });

  it('starts two executions for the same request without a token, and keeps tokens per account', async () => {
    t = await startTestSsm();

    const a = await t.client().send(smokeTest());
    const b = await t.client().send(smokeTest());

    expect(a.AutomationExecutionId).not.toBe(b.AutomationExecutionId);
    expect(t.ssm.state().executions).toHaveLength(2);
  });

  it('refuses a ClientToken that is not a UUID with a ValidationException naming the constraint', async () => {
    t = await startTestSsm();

    const error = await failureOf(t.client().send(smokeTest({ ClientToken: 'wave-1-smoke-test' })));

    expect(error).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'wave-1-smoke-test' at 'clientToken' failed to satisfy constraint: Member must have length greater than or equal to 36",
      $metadata: { httpStatusCode: 400 },
    });
    expect(t.ssm.state().executions).toHaveLength(0);
  });
});

describe('StartAutomationExecution refuses what the document does not take', () => {
  it('answers AutomationDefinitionNotFoundException for a document the account and Region do not hold', async () => {
    t = await startTestSsm();

    const error = await failureOf(t.client().send(smokeTest({ DocumentName: 'Payments-SmokeTst' })));

    expect(error).toMatchObject({ name: 'AutomationDefinitionNotFoundException', message: expect.stringContaining('Payments-SmokeTst'), $metadata: { httpStatusCode: 400 } });
  });

  it('names a required parameter left out, and a parameter the document does not declare', async () => {
    t = await startTestSsm();

    const missing = await failureOf(t.client().send(smokeTest({ Parameters: { Wave: ['1'] } })));
    const unknown = await failureOf(t.client().send(smokeTest({ Parameters: { InstanceIds: ['i-1'], Region: ['eu-west-1'] } })));
    const twoValues = await failureOf(t.client().send(smokeTest({ Parameters: { InstanceIds: ['i-1'], Wave: ['1', '2'] } })));

    expect(missing).toMatchObject({ name: 'InvalidAutomationExecutionParametersException', message: expect.stringMatching(/Required parameter "InstanceIds" missing/), $metadata: { httpStatusCode: 400 } });
    expect(unknown).toMatchObject({ name: 'InvalidAutomationExecutionParametersException', message: expect.stringMatching(/Parameter "Region" not declared by document Payments-SmokeTest \(it declares: AutomationAssumeRole, InstanceIds, Wave\)/) });
    expect(twoValues).toMatchObject({ name: 'InvalidAutomationExecutionParametersException', message: expect.stringContaining('"Wave"') });
    expect(t.ssm.state().executions).toHaveLength(0);
  });

  it('answers AutomationDefinitionVersionNotFoundException for a version the document does not have, and runs $LATEST', async () => {
    t = await startTestSsm();

    const error = await failureOf(t.client().send(smokeTest({ DocumentVersion: '7' })));
    const latest = await t.client().send(smokeTest({ DocumentVersion: '$LATEST' }));

    expect(error).toMatchObject({ name: 'AutomationDefinitionVersionNotFoundException' });
    expect(latest.AutomationExecutionId).toBeDefined();
  });
});

describe('DescribeDocument: the preflight\'s view of a runbook', () => {
  it('describes an Automation document with its parameters; required ones have no DefaultValue', async () => {
    t = await startTestSsm();

    const { Document } = await t.client().send(new DescribeDocumentCommand({ Name: 'Payments-SmokeTest' }));

    expect(Document).toMatchObject({
      Name: 'Payments-SmokeTest',
      DocumentType: 'Automation',
      Status: 'Active',
      DocumentVersion: '1',
      LatestVersion: '1',
      DefaultVersion: '1',
      SchemaVersion: '0.3',
      Description: 'Checks the recovered payments servers answer',
      Parameters: [
        { Name: 'AutomationAssumeRole', Type: 'String', Description: 'The role the runbook assumes', DefaultValue: '' },
        { Name: 'InstanceIds', Type: 'StringList', Description: 'The recovered instances' },
        { Name: 'Wave', Type: 'String', Description: '', DefaultValue: '' },
      ],
    });
    expect(Document!.Parameters![1]).not.toHaveProperty('DefaultValue');
  });

  it('answers InvalidDocument for a name the account and Region do not hold, and InvalidDocumentVersion for a missing version', async () => {
    t = await startTestSsm();

    const missing = await failureOf(t.client().send(new DescribeDocumentCommand({ Name: 'Payments-Missing' })));
    const version = await failureOf(t.client().send(new DescribeDocumentCommand({ Name: 'Payments-SmokeTest', DocumentVersion: '2' })));

    expect(missing).toMatchObject({ name: 'InvalidDocument', message: 'Document with name Payments-Missing does not exist.', $metadata: { httpStatusCode: 400 } });
    expect(version).toMatchObject({ name: 'InvalidDocumentVersion' });
  });
});

describe('DescribeAutomationExecutions', () => {
  async function threeExecutions(): Promise<string[]> {
    t = await startTestSsm({ documents: [SMOKE_TEST, { ...SMOKE_TEST, name: 'Billing-SmokeTest', durationSeconds: 300 }] });
    const client = t.client();
    const ids: string[] = [];
    ids.push((await client.send(smokeTest({ Tags: [{ Key: 'drs:plan', Value: 'payments' }] }))).AutomationExecutionId!);
    t.clock.advanceSeconds(10);
    ids.push((await client.send(smokeTest({ DocumentName: 'Billing-SmokeTest', Tags: [{ Key: 'drs:plan', Value: 'billing' }] }))).AutomationExecutionId!);
    t.clock.advanceSeconds(10);
    ids.push((await client.send(smokeTest())).AutomationExecutionId!);
    t.clock.advanceSeconds(80);
    // Now: the first ended Success, the second runs, the third is still running (80 of 90 s).
    return ids;
  }
  const idsOf = (list: AutomationExecutionMetadata[] | undefined) => (list ?? []).map((execution) => execution.AutomationExecutionId);

  it('lists the caller\'s executions newest first, filtered by ExecutionId, DocumentNamePrefix, ExecutionStatus and TagKey', async () => {
    const [payments, billing, latest] = await threeExecutions();
    const client = t!.client();
    const list = async (Filters?: Array<{ Key: string; Values: string[] }>) =>
      idsOf((await client.send(new DescribeAutomationExecutionsCommand({ Filters: Filters as never }))).AutomationExecutionMetadataList);

    expect(await list()).toEqual([latest, billing, payments]);
    expect(await list([{ Key: 'ExecutionId', Values: [billing] }])).toEqual([billing]);
    expect(await list([{ Key: 'DocumentNamePrefix', Values: ['Payments-'] }])).toEqual([latest, payments]);
    expect(await list([{ Key: 'ExecutionStatus', Values: ['Success'] }])).toEqual([payments]);
    expect(await list([{ Key: 'ExecutionStatus', Values: ['InProgress', 'Pending'] }])).toEqual([latest, billing]);
    expect(await list([{ Key: 'TagKey', Values: ['drs:plan'] }])).toEqual([billing, payments]);
    expect(await list([{ Key: 'TagKey', Values: ['drs:plan'] }, { Key: 'DocumentNamePrefix', Values: ['Payments'] }])).toEqual([payments]);
  });

  it('describes each execution with its status and times', async () => {
    const [payments] = await threeExecutions();

    const { AutomationExecutionMetadataList } = await t!.client().send(new DescribeAutomationExecutionsCommand({ Filters: [{ Key: 'ExecutionId', Values: [payments] }] }));

    expect(AutomationExecutionMetadataList).toMatchObject([
      { AutomationExecutionId: payments, DocumentName: 'Payments-SmokeTest', AutomationExecutionStatus: 'Success', Outputs: { 'CheckHealth.Status': ['healthy'] }, Mode: 'Auto', AutomationType: 'Local' },
    ]);
    expect(AutomationExecutionMetadataList![0].ExecutionEndTime!.getTime() - AutomationExecutionMetadataList![0].ExecutionStartTime!.getTime()).toBe(90_000);
  });

  it('pages with MaxResults and NextToken (the SDK paginator reads every page), and refuses a token it never gave', async () => {
    const ids = await threeExecutions();
    const client = t!.client();

    const first = await client.send(new DescribeAutomationExecutionsCommand({ MaxResults: 2 }));
    const pages: string[][] = [];
    for await (const page of paginateDescribeAutomationExecutions({ client, pageSize: 1 }, {})) pages.push(idsOf(page.AutomationExecutionMetadataList) as string[]);
    const forged = await failureOf(client.send(new DescribeAutomationExecutionsCommand({ NextToken: 'not-a-token' })));

    expect(idsOf(first.AutomationExecutionMetadataList)).toEqual([ids[2], ids[1]]);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(pages).toEqual([[ids[2]], [ids[1]], [ids[0]]]);
    expect(forged).toMatchObject({ name: 'InvalidNextToken', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses an ExecutionStatus that is no status with InvalidFilterValue, and MaxResults over 50 with a ValidationException', async () => {
    await threeExecutions();

    const status = await failureOf(t!.client().send(new DescribeAutomationExecutionsCommand({ Filters: [{ Key: 'ExecutionStatus', Values: ['Running'] }] })));
    const tooMany = await failureOf(t!.client().send(new DescribeAutomationExecutionsCommand({ MaxResults: 51 })));

    expect(status).toMatchObject({ name: 'InvalidFilterValue', message: expect.stringContaining('Running') });
    expect(tooMany).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("Value '51' at 'maxResults'") });
  });
});

describe('whose execution: the credentials choose the account, the signature the Region', () => {
  it('hides an execution from another account\'s credentials: Get, Stop and Describe answer as if it did not exist', async () => {
    t = await startTestSsm();
    const { AutomationExecutionId: id } = await t.client(operator).send(smokeTest());
    const outsider = t.client(mallory);

    const get = await failureOf(outsider.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id })));
    const stop = await failureOf(outsider.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id })));
    const listed = await outsider.send(new DescribeAutomationExecutionsCommand({}));
    const document = await failureOf(outsider.send(new DescribeDocumentCommand({ Name: 'Payments-SmokeTest' })));

    expect(get).toMatchObject({ name: 'AutomationExecutionNotFoundException' });
    expect(stop).toMatchObject({ name: 'AutomationExecutionNotFoundException' });
    expect(listed.AutomationExecutionMetadataList).toEqual([]);
    expect(document).toMatchObject({ name: 'InvalidDocument' });
    expect(t.ssm.calls().filter((call) => call.account === OUTSIDER).map((call) => call.errorCode)).toEqual(['AutomationExecutionNotFoundException', 'AutomationExecutionNotFoundException', undefined, 'InvalidDocument']);
  });

  it('hides an execution from the same account signing for another Region', async () => {
    t = await startTestSsm();
    const { AutomationExecutionId: id } = await t.client().send(smokeTest());

    const error = await failureOf(t.client(undefined, { region: 'us-west-2' }).send(new GetAutomationExecutionCommand({ AutomationExecutionId: id })));

    expect(error).toMatchObject({ name: 'AutomationExecutionNotFoundException' });
    expect(t.ssm.calls().at(-1)).toMatchObject({ region: 'us-west-2', errorCode: 'AutomationExecutionNotFoundException' });
    expect(REGION).toBe('eu-west-1');
  });

  it('runs a document declared for another account only for that account\'s callers', async () => {
    t = await startTestSsm({ documents: [{ ...SMOKE_TEST, account: OUTSIDER }] });

    const own = await failureOf(t.client().send(smokeTest()));
    const theirs = await t.client(mallory).send(smokeTest());

    expect(own).toMatchObject({ name: 'AutomationDefinitionNotFoundException' });
    expect(t.ssm.state({ account: OUTSIDER }).executions.map((execution) => execution.id)).toEqual([theirs.AutomationExecutionId]);
  });
});
