// The HTTP front of the local DynamoDB service: what DynamoDB checks before any table is touched —
// the SigV4 signature, against the shared identity store — and where the request goes: the
// engine of the account its credentials belong to, in the Region of its credential scope. The
// engine (dynalite) speaks the JSON protocol itself; the front passes requests and answers
// through unchanged, so the SDK sees the engine's documents, status codes and CRC32 headers.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody } from '#local/http/read-body.ts';
import { sendAnswer, ServiceHttpServer } from '#local/http/service-server.ts';
import { jsonAuthErrorCodes, signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import type { DynamoDbBackend, DynamoDbBackends, DynamoDbScope } from './backends.ts';

/** DynamoDB's largest request (a BatchWriteItem of 25 items of 400 KB stays below it). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
const JSON_1_0 = 'application/x-amz-json-1.0';

export interface DynamoDbCall {
  /** `PutItem`, from the X-Amz-Target header (`DynamoDB_20120810.PutItem`). */
  operation: string;
  /** The account and Region the request went to; absent when its credentials were refused. */
  account?: string;
  region?: string;
  status: number;
  /** `ConditionalCheckFailedException`, `UnrecognizedClientException`, ... */
  errorType?: string;
  at: string;
}

/** Headers that describe one connection, not the message: never passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'content-length', 'date']);

function passedOn(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined && !HOP_BY_HOP.has(entry[0])));
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
function errorTypeOf(body: Buffer): string | undefined {
  try {
    const type: unknown = JSON.parse(body.toString('utf8')).__type;
    return typeof type === 'string' ? type.slice(type.indexOf('#') + 1) : undefined;
  } catch {
    return undefined;
  }
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends the request as it arrived to the engine; resolves with the engine's whole answer. */
function forward(backend: DynamoDbBackend, request: IncomingMessage, body: Buffer): Promise<Answer> {
  const target = new URL(request.url ?? '/', backend.endpoint);
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      target,
      { method: request.method, headers: { ...passedOn(request.headers), host: target.host, 'content-length': String(body.length) } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

export class LocalDynamoDbHttpServer extends ServiceHttpServer<DynamoDbCall> {
  constructor(
    private readonly identity: IdentityStore,
    private readonly backends: DynamoDbBackends,
  ) {
    super({ now: () => identity.now() });
  }

  /** A bug, or an engine that is gone, answers 500 instead of taking the service down. */
  protected answerBug(response: ServerResponse, message: string): void {
    this.sendError(response, randomUUID(), 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', message);
  }

  private sendError(response: ServerResponse, requestId: string, status: number, type: string, message: string): void {
    sendAnswer(response, { status, requestId, contentType: JSON_1_0, body: JSON.stringify({ __type: type, message }), date: this.identity.now() });
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, MAX_BODY_BYTES);
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : '';
    if (body.tooLarge) {
      this.log.record({ operation, status: 413, errorType: 'RequestEntityTooLarge' });
      return this.sendError(response, randomUUID(), 413, 'com.amazon.coral.service#RequestEntityTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
    }

    // As in AWS, credentials are checked before anything else: they choose the account and Region.
    const auth = this.identity.authenticate(signedRequestOf(request, body.bytes), { service: 'dynamodb' });
    if (!auth.ok) {
      // The common errors of a JSON-protocol service, all with status 400 (DynamoDB, unlike STS, answers none of them with 403).
      const errorType = jsonAuthErrorCodes[auth.code];
      this.log.record({ operation, status: 400, errorType });
      return this.sendError(response, randomUUID(), 400, `com.amazon.coral.service#${errorType}`, auth.message);
    }
    const scope: DynamoDbScope = { account: auth.caller.account, region: auth.region };

    const answer = await forward(await this.backends.of(scope), request, body.bytes);
    this.log.record({ operation, ...scope, status: answer.status, ...(answer.status >= 400 ? { errorType: errorTypeOf(answer.body) ?? 'Unknown' } : {}) });
    response.writeHead(answer.status, {
      ...passedOn(answer.headers),
      'content-length': answer.body.length,
      // The service's own clock: the SDKs correct their clock skew from this header.
      date: this.identity.now().toUTCString(),
    });
    response.end(answer.body);
  }
}
