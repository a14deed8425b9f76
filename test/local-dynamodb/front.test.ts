// The local DynamoDB service's front: a request is answered only when its SigV4 signature is
// right, and then by the engine of its credentials' account in its scope's Region. The engines
// here are stand-ins that echo what reached them (the real one is dynalite).
import { createServer } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback } from '#local/http/listen.ts';
import { DEFAULT_ACCOUNT_ID, DEFAULT_STAGING_ACCOUNT_ID, DEFAULT_STAGING_ROLE_ARN, defaultCredentials, IdentityStore } from '#local/identity/index.ts';
import { DynamoDbBackends, type DynamoDbBackend, type DynamoDbScope } from '#local/dynamodb/backends.ts';
import { LocalDynamoDbHttpServer } from '#local/dynamodb/server.ts';

const Sha256 = Hash.bind(null, 'sha256');

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface Received {
  engine: string;
  target?: string;
  authorization?: string;
  body: string;
}

/** An engine that answers every request with what reached it, as a JSON 1.0 document with a CRC32 header. */
async function echoEngine(scope: DynamoDbScope, received: Received[]): Promise<DynamoDbBackend> {
  const engine = `${scope.account}/${scope.region}`;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen: Received = { engine, target: request.headers['x-amz-target'] as string, authorization: request.headers.authorization, body: Buffer.concat(chunks).toString('utf8') };
      received.push(seen);
      const document = JSON.stringify(seen);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '1234567890', 'x-amzn-requestid': `engine-${received.length}` });
      response.end(document);
    });
  });
  const port = await listenOnLoopback(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}

let identity: IdentityStore;
let front: LocalDynamoDbHttpServer;
let endpoint: string;
let started: DynamoDbScope[];
let stopped: string[];
let received: Received[];
let backends: DynamoDbBackends;

/** The service's clock runs ten minutes ahead of the callers' (within SigV4's 15 minutes). */
const SERVICE_CLOCK_AHEAD_MS = 10 * 60_000;

beforeEach(async () => {
  identity = new IdentityStore(undefined, { now: () => new Date(Date.now() + SERVICE_CLOCK_AHEAD_MS) });
  started = [];
  stopped = [];
  received = [];
  backends = new DynamoDbBackends(async (scope) => {
    started.push(scope);
    const engine = await echoEngine(scope, received);
    return { ...engine, stop: async () => (stopped.push(`${scope.account}/${scope.region}`), engine.stop()) };
  });
  front = new LocalDynamoDbHttpServer(identity, backends);
  endpoint = `http://127.0.0.1:${await front.listen(0)}`;
});
afterEach(async () => {
  await front.close();
  await backends.stop();
});

/** A DynamoDB JSON request signed as the SDK signs it. */
async function call(operation: string, payload: unknown, credentials: Credentials | undefined, options: { region?: string; service?: string } = {}) {
  const url = new URL(endpoint);
  const body = JSON.stringify(payload);
  let headers: Record<string, string> = { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` };
  if (credentials !== undefined) {
    const signer = new SignatureV4({ service: options.service ?? 'dynamodb', region: options.region ?? 'eu-west-1', credentials, sha256: Sha256 });
    headers = (await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers, body })).headers;
  }
  const { host: _host, ...sent } = headers;
  const response = await fetch(`${endpoint}/`, { method: 'POST', headers: sent, body });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Credentials of a role session in the staging account, as the local STS would mint them. */
function stagingSession(): Credentials {
  const minted = identity.mintRoleSession(identity.role(DEFAULT_STAGING_ROLE_ARN)!, 'lock-test', 3600);
  return { accessKeyId: minted.accessKeyId, secretAccessKey: minted.secretAccessKey, sessionToken: minted.sessionToken };
}

describe('the local DynamoDB front: signatures', () => {
  it('answers an unsigned request with MissingAuthenticationTokenException, and no engine sees it', async () => {
    const response = await call('ListTables', {}, undefined);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body)).toEqual({ __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
    expect(started).toEqual([]);
    expect(front.recordedCalls()).toEqual([{ operation: 'ListTables', status: 400, errorType: 'MissingAuthenticationTokenException', at: expect.any(String) }]);
  });

  it('answers a wrong secret with InvalidSignatureException', async () => {
    const response = await call('ListTables', {}, { ...defaultCredentials, secretAccessKey: 'not-the-secret' });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).__type).toBe('com.amazon.coral.service#InvalidSignatureException');
    expect(started).toEqual([]);
  });

  it('answers an access key nobody has with UnrecognizedClientException', async () => {
    const response = await call('ListTables', {}, { accessKeyId: 'AKIANOBODYHASTHIS001', secretAccessKey: 'whatever' });

    expect(JSON.parse(response.body)).toEqual({ __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid' });
  });

  it('refuses a request signed for another service', async () => {
    const response = await call('ListTables', {}, defaultCredentials, { service: 'sts' });

    expect(JSON.parse(response.body)).toEqual({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: "Credential should be scoped to correct service: 'dynamodb'. " });
  });
});

describe('the local DynamoDB front: accounts and Regions', () => {
  it('sends each request to the engine of its credentials’ account in its scope’s Region', async () => {
    const home = await call('ListTables', {}, defaultCredentials);
    const staging = await call('ListTables', {}, stagingSession());
    const otherRegion = await call('ListTables', {}, defaultCredentials, { region: 'us-east-1' });

    expect(JSON.parse(home.body).engine).toBe(`${DEFAULT_ACCOUNT_ID}/eu-west-1`);
    expect(JSON.parse(staging.body).engine).toBe(`${DEFAULT_STAGING_ACCOUNT_ID}/eu-west-1`);
    expect(JSON.parse(otherRegion.body).engine).toBe(`${DEFAULT_ACCOUNT_ID}/us-east-1`);
    expect(backends.scopes()).toEqual([
      { account: DEFAULT_ACCOUNT_ID, region: 'eu-west-1' },
      { account: DEFAULT_STAGING_ACCOUNT_ID, region: 'eu-west-1' },
      { account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' },
    ]);
  });

  it('starts one engine per account and Region, also for requests that arrive together', async () => {
    await Promise.all(Array.from({ length: 5 }, () => call('GetItem', { TableName: 'locks', Key: { pk: { S: 'plan#payments' } } }, defaultCredentials)));
    await call('GetItem', { TableName: 'locks', Key: { pk: { S: 'plan#payments' } } }, defaultCredentials);

    expect(started).toEqual([{ account: DEFAULT_ACCOUNT_ID, region: 'eu-west-1' }]);
    expect(received).toHaveLength(6);
  });

  it('passes the request and the engine’s answer through unchanged', async () => {
    const payload = { TableName: 'locks', Item: { pk: { S: 'plan#payments' } }, ConditionExpression: 'attribute_not_exists(pk)' };

    const response = await call('PutItem', payload, defaultCredentials);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-crc32')).toBe('1234567890');
    expect(response.headers.get('x-amzn-requestid')).toBe('engine-1');
    // The service's clock, not the engine's: the SDK corrects its clock skew from it.
    expect(Math.abs(Date.parse(response.headers.get('date')!) - (Date.now() + SERVICE_CLOCK_AHEAD_MS))).toBeLessThan(5_000);
    const seen: Received = JSON.parse(response.body);
    expect(seen.target).toBe('DynamoDB_20120810.PutItem');
    expect(seen.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIALOCALFUNCTIONROLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request/);
    expect(JSON.parse(seen.body)).toEqual(payload);
    expect(front.recordedCalls()).toEqual([{ operation: 'PutItem', account: DEFAULT_ACCOUNT_ID, region: 'eu-west-1', status: 200, at: expect.any(String) }]);
  });

  it('stops every engine it started', async () => {
    await call('ListTables', {}, defaultCredentials);
    await call('ListTables', {}, stagingSession());

    await backends.stop();

    expect(stopped.sort()).toEqual([`${DEFAULT_ACCOUNT_ID}/eu-west-1`, `${DEFAULT_STAGING_ACCOUNT_ID}/eu-west-1`]);
    expect(backends.scopes()).toEqual([]);
  });
});
