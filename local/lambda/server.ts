// The HTTP front of the local Lambda service: Lambda's REST-JSON protocol as the SDKs and the CLI
// speak it (`POST /2015-03-31/functions/{FunctionName}/invocations` with the payload as the body
// and X-Amz-Invocation-Type / X-Amz-Log-Type headers; `GET
// /2015-03-31/functions/{FunctionName}/configuration`), SigV4 checked against the shared identity
// store before anything else (the credentials choose the account, the signature's scope the
// Region), answers with `x-amzn-RequestId`, errors with `x-amzn-ErrorType`. Node's `http` module,
// as the other stand-ins use.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody } from '#local/http/read-body.ts';
import { sendAnswer, ServiceHttpServer } from '#local/http/service-server.ts';
import { signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import { authenticationError, LambdaError, requestTooLarge, unknownOperation } from './errors.ts';
import type { LocalFunctions } from './functions.ts';
import { getFunctionConfiguration, invoke, SYNC_PAYLOAD_LIMIT_BYTES, type Caller, type LambdaResponse } from './operations.ts';

/** A synchronous invocation's payload may be 6 MB; a larger body is refused unread (RequestTooLargeException). */
export const MAX_BODY_BYTES = SYNC_PAYLOAD_LIMIT_BYTES;
/** The signing name of Lambda: what a request's credential scope must name. */
const SIGNING_NAME = 'lambda';
const ROUTE = /^\/2015-03-31\/functions\/([^/]+)\/(invocations|configuration)\/?$/;

export interface LambdaCall {
  /** `Invoke`, `GetFunctionConfiguration`, or the method and path of a request no operation serves. */
  operation: string;
  /** FunctionName as sent (a name or an ARN). */
  functionName?: string;
  /** The caller's account and the Region of its signature, once authenticated. */
  account?: string;
  region?: string;
  status: number;
  /** `ResourceNotFoundException`, …; `Unhandled` for an invocation whose function failed. */
  errorCode?: string;
  at: string;
}

function routeOf(method: string, path: string): { operation: string; functionName?: string } {
  const match = ROUTE.exec(path);
  if (match) {
    let functionName: string;
    try {
      functionName = decodeURIComponent(match[1]!);
    } catch {
      functionName = match[1]!;
    }
    if (match[2] === 'invocations' && method === 'POST') return { operation: 'Invoke', functionName };
    if (match[2] === 'configuration' && method === 'GET') return { operation: 'GetFunctionConfiguration', functionName };
  }
  return { operation: `${method} ${path}` };
}

export class LocalLambdaHttpServer extends ServiceHttpServer<LambdaCall> {
  constructor(
    private readonly identity: IdentityStore,
    private readonly functions: LocalFunctions,
  ) {
    super({ now: () => identity.now() });
  }

  /** A bug answers 500 ServiceException instead of taking the service down. */
  protected answerBug(response: ServerResponse, message: string): void {
    this.sendError(response, randomUUID(), new LambdaError('ServiceException', 500, message));
  }

  private send(response: ServerResponse, requestId: string, answer: LambdaResponse): void {
    sendAnswer(response, { status: answer.status, requestId, ...(answer.body.length > 0 ? { contentType: 'application/json' } : {}), body: answer.body, date: this.identity.now(), headers: answer.headers });
  }

  private sendError(response: ServerResponse, requestId: string, error: LambdaError): void {
    this.send(response, requestId, { status: error.statusCode, headers: { 'x-amzn-errortype': error.code }, body: JSON.stringify(error.document()) });
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
    const { operation, functionName } = routeOf(method, path);
    const body = await readBody(request, MAX_BODY_BYTES);
    const fail = (error: LambdaError, caller?: Caller) => {
      this.log.record({ operation, ...(functionName !== undefined ? { functionName } : {}), ...(caller ? { account: caller.account, region: caller.region } : {}), status: error.statusCode, errorCode: error.code });
      this.sendError(response, requestId, error);
    };
    if (body.tooLarge) return fail(requestTooLarge(MAX_BODY_BYTES));

    // As on AWS, credentials are checked before anything else: they choose the account and Region.
    const auth = this.identity.authenticate(signedRequestOf(request, body.bytes), { service: SIGNING_NAME });
    if (!auth.ok) return fail(authenticationError(auth.code, auth.status, auth.message));
    const caller: Caller = { account: auth.caller.account, region: auth.region, arn: auth.caller.arn };

    let answer: LambdaResponse;
    try {
      if (operation === 'Invoke') answer = await invoke(this.functions, caller, { functionName: functionName!, query, headers: request.headers, body: body.bytes, requestId });
      else if (operation === 'GetFunctionConfiguration') answer = getFunctionConfiguration(this.functions, caller, functionName!, query);
      else throw unknownOperation(method, path);
    } catch (error) {
      if (error instanceof LambdaError) return fail(error, caller);
      throw error;
    }
    const functionError = answer.headers['x-amz-function-error'];
    this.log.record({ operation, functionName, account: caller.account, region: caller.region, status: answer.status, ...(functionError ? { errorCode: functionError } : {}) });
    this.send(response, requestId, answer);
  }
}
