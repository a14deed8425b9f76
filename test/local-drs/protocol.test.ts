import { describe, expect, it } from 'vitest';
import {
  ConflictException,
  DescribeJobsCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  ListLaunchActionsCommand,
  ListStagingAccountsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  StartRecoveryCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
  paginateDescribeSourceServers,
} from '@aws-sdk/client-drs';
import { rawCall, rejectionOf, serverIds, sourceServerByHostname, useTestDrs } from './helpers.ts';

const t = useTestDrs();

describe('the wire protocol as the AWS SDK speaks it', () => {
  it('lists the default scenario source servers with their tags to the unmodified SDK', async () => {
    const { items = [] } = await t.client.send(new DescribeSourceServersCommand({}));

    expect(items).toHaveLength(13);
    const dbServers = items.filter((s) => s.tags?.Application === 'payments' && s.tags?.Tier === 'db');
    expect(dbServers.map((s) => s.sourceProperties?.identificationHints?.hostname).sort()).toEqual(['payments-db-1', 'payments-db-2', 'payments-db-3']);
    expect(items[0]!.sourceServerID).toMatch(/^s-[0-9a-zA-Z]{17}$/);
    expect(items[0]!.dataReplicationInfo?.dataReplicationState).toBe('CONTINUOUS');
    expect(items[0]!.dataReplicationInfo?.lagDuration).toMatch(/^PT\d+S$/);
  });

  it('answers StartRecovery with HTTP 202 and a PENDING job carrying the request tags', async () => {
    const [db1] = await serverIds(t.client, ['payments-db-1']);

    const { job, $metadata } = await t.client.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1 }], tags: { 'orchestrator:run': 'run-1' } }),
    );

    expect($metadata.httpStatusCode).toBe(202);
    expect($metadata.requestId).toMatch(/^[0-9a-f-]{8,}$/i);
    expect(job).toMatchObject({ status: 'PENDING', type: 'LAUNCH', initiatedBy: 'START_DRILL', tags: { 'orchestrator:run': 'run-1' } });
    expect(job?.jobID).toMatch(/^drsjob-[0-9a-zA-Z]{17}$/);
  });

  it('rejects a member that breaks a model constraint with ValidationException naming the field', async () => {
    const error = await rejectionOf(t.client.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: 'not-a-server' }] })));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.reason).toBe('fieldValidationFailed');
    expect(error.fieldList).toEqual([expect.objectContaining({ name: 'sourceServers[0].sourceServerID' })]);
  });

  it('rejects an empty server list and a missing required member', async () => {
    const empty = await rejectionOf(t.client.send(new StartRecoveryCommand({ sourceServers: [] })));
    const missing = await rejectionOf(t.client.send(new DescribeRecoverySnapshotsCommand({} as never)));

    expect(empty.fieldList[0].message).toContain('length greater than or equal to 1');
    expect(missing).toBeInstanceOf(ValidationException);
    expect(missing.fieldList[0].name).toBe('sourceServerID');
  });

  it('answers a wrong member type with ValidationException and always sends the error-type and request-id headers', async () => {
    const response = await rawCall(t.drs, 'POST', '/StartRecovery', JSON.stringify({ sourceServers: 'payments-db-1', isDrill: 'yes' }));

    expect(response.status).toBe(400);
    expect(response.errorType).toBe('ValidationException');
    expect(response.requestId).toMatch(/^[0-9a-f-]{8,}$/i);
    expect(response.body).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'fieldValidationFailed' });
    expect(response.body!.fieldList.map((f: { name: string }) => f.name).sort()).toEqual(['isDrill', 'sourceServers']);
  });

  it.each([
    ['malformed JSON', '{"sourceServers": ['],
    ['a JSON array', '[1,2,3]'],
    ['binary bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x9c])],
    ['a body over 1 MiB', `{"tags":{"k":"${'x'.repeat(1_200_000)}"}}`],
  ])('answers %s with ValidationException cannotParse and keeps serving', async (_name, body) => {
    const response = await rawCall(t.drs, 'POST', '/DescribeJobs', body);
    const after = await t.client.send(new DescribeJobsCommand({}));

    expect(response.status).toBe(400);
    expect(response.errorType).toBe('ValidationException');
    expect(response.body?.reason).toBe('cannotParse');
    expect(after.items).toEqual([]);
  });

  it.each([
    ['an unknown path', 'POST', '/NoSuchOperation'],
    ['the wrong method on a known path', 'GET', '/StartRecovery'],
    ['a model operation the local service does not simulate', 'POST', '/DeleteJob'],
    ['the root path', 'GET', '/'],
  ])('answers %s with ValidationException unknownOperation', async (_name, method, path) => {
    const response = await rawCall(t.drs, method, path, method === 'GET' ? undefined : '{"jobID":"drsjob-00000000000000000"}');

    expect(response.status).toBe(400);
    expect(response.errorType).toBe('ValidationException');
    expect(response.body?.reason).toBe('unknownOperation');
  });

  it('answers an unknown source server with ResourceNotFoundException where the model lists it', async () => {
    const error = await rejectionOf(t.client.send(new ListLaunchActionsCommand({ resourceId: 's-00000000000000000' })));

    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.resourceId).toBe('s-00000000000000000');
  });

  it('answers an unknown source server in StartRecovery (no NotFound in its model) with ValidationException', async () => {
    const error = await rejectionOf(t.client.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: 's-00000000000000000' }] })));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.fieldList[0].name).toBe('sourceServers[0].sourceServerID');
  });

  it('answers a second job for a server that is already in an active job with ConflictException', async () => {
    const [db1] = await serverIds(t.client, ['payments-db-1']);
    await t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1 }] }));

    const error = await rejectionOf(t.client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: db1 }] })));

    expect(error).toBeInstanceOf(ConflictException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.resourceId).toBe(db1);
  });
});

describe('pagination', () => {
  it('pages DescribeSourceServers through the SDK paginator', async () => {
    const pages: number[] = [];
    const hostnames: string[] = [];

    for await (const page of paginateDescribeSourceServers({ client: t.client, pageSize: 5 }, {})) {
      pages.push(page.items?.length ?? 0);
      hostnames.push(...(page.items ?? []).map((s) => s.sourceProperties!.identificationHints!.hostname!));
    }

    expect(pages).toEqual([5, 5, 3]);
    expect(new Set(hostnames).size).toBe(13);
  });

  it('rejects a nextToken it did not issue with ValidationException', async () => {
    const error = await rejectionOf(t.client.send(new DescribeSourceServersCommand({ nextToken: 'bogus' })));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.fieldList[0].name).toBe('nextToken');
  });

  it('filters DescribeSourceServers by source server IDs', async () => {
    const ids = await serverIds(t.client, ['payments-web-1', 'reporting-db-1']);

    const { items = [] } = await t.client.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: ids } }));

    expect(items.map((s) => s.sourceServerID).sort()).toEqual([...ids].sort());
  });

  it('serves ListStagingAccounts as GET with query parameters', async () => {
    const { accounts, $metadata } = await t.client.send(new ListStagingAccountsCommand({ maxResults: 10 }));
    const tooMany = await rejectionOf(t.client.send(new ListStagingAccountsCommand({ maxResults: 51 })));

    expect($metadata.httpStatusCode).toBe(200);
    expect(accounts).toEqual([]); // no server extended yet (multi-account.test.ts lists one)
    expect(tooMany).toBeInstanceOf(ValidationException);
  });
});

describe('tags', () => {
  it('tags, lists and untags a source server by its URL-encoded ARN', async () => {
    const server = await sourceServerByHostname(t.client, 'payments-app-1');

    await t.client.send(new TagResourceCommand({ resourceArn: server.arn!, tags: { Owner: 'sre', CostCenter: '42' } }));
    await t.client.send(new UntagResourceCommand({ resourceArn: server.arn!, tagKeys: ['CostCenter'] }));
    const { tags } = await t.client.send(new ListTagsForResourceCommand({ resourceArn: server.arn! }));
    const described = await sourceServerByHostname(t.client, 'payments-app-1');

    expect(tags).toEqual({ Application: 'payments', Tier: 'app', Owner: 'sre' });
    expect(described.tags).toEqual(tags);
  });

  it('answers tags of an unknown ARN with ResourceNotFoundException', async () => {
    const error = await rejectionOf(
      t.client.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:drs:us-east-1:111122223333:source-server/s-00000000000000000' })),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});
