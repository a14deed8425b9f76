// The HTTP front of the local Step Functions service: Step Functions' JSON 1.0 protocol as the SDKs
// and the CLI speak it (POST /, `X-Amz-Target: AWSStepFunctions.<Operation>`, `Content-Type:
// application/x-amz-json-1.0`, a JSON object body), SigV4 checked against the shared identity
// store before anything else (the credentials choose the account, the signature's scope the
// Region), JSON answers with `x-amzn-RequestId`. Node's `http` module, as the other stand-ins use.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody } from '#local/http/read-body.ts';
import { jsonObjectOf } from '#local/http/json-body.ts';
import { sendAnswer, ServiceHttpServer } from '#local/http/service-server.ts';
import { signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import { authenticationError, requestTooLarge, serializationException, SfnError, unknownOperation } from './errors.ts';
import type { LocalExecutions } from './executions.ts';
import { operationHandlers, type Caller, type JsonObject } from './operations.ts';

/** Step Functions' largest requests carry an execution input of 256 KiB; a megabyte bounds every one. */
export const MAX_BODY_BYTES = 1024 * 1024;
const JSON_1_0 = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
/** The signing name of Step Functions (its endpoint prefix): what a request's credential scope must name. */
const SIGNING_NAME = 'states';

export interface StepFunctionsCall {
  /** `DescribeExecution`, from the X-Amz-Target header. */
  operation: string;
  /** The caller's account and the Region of its signature, once authenticated. */
  account?: string;
  region?: string;
  status: number;
  /** `ExecutionDoesNotExist`, `UnrecognizedClientException`, … */
  errorCode?: string;
  at: string;
}

/** The request body as a JSON object; an empty body is an empty request, as the SDKs send `{}`. */
function requestOf(body: Buffer): JsonObject {
  const parsed = jsonObjectOf(body);
  if (!parsed.ok) throw serializationException(parsed.reason);
  return parsed.value;
}

export class LocalStepFunctionsHttpServer extends ServiceHttpServer<StepFunctionsCall> {
  constructor(
    private readonly identity: IdentityStore,
    private readonly executions: LocalExecutions,
  ) {
    super({ now: () => identity.now() });
  }

  /** A bug answers 500 InternalFailure instead of taking the service down. */
  protected answerBug(response: ServerResponse, message: string): void {
    this.send(response, randomUUID(), 500, { __type: 'com.amazon.coral.service#InternalFailure', message });
  }

  private send(response: ServerResponse, requestId: string, status: number, document: JsonObject): void {
    sendAnswer(response, { status, requestId, contentType: JSON_1_0, body: JSON.stringify(document), date: this.identity.now() });
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const fail = (error: SfnError, caller?: Caller) => {
      this.log.record({ operation, ...caller, status: error.statusCode, errorCode: error.code });
      this.send(response, requestId, error.statusCode, { __type: error.type, message: error.message });
    };
    if (body.tooLarge) return fail(requestTooLarge(MAX_BODY_BYTES));

    // As on AWS, credentials are checked before anything else: they choose the account and Region.
    const auth = this.identity.authenticate(signedRequestOf(request, body.bytes), { service: SIGNING_NAME });
    if (!auth.ok) return fail(authenticationError(auth.code, auth.message));
    const caller: Caller = { account: auth.caller.account, region: auth.region };

    const handler = Object.hasOwn(operationHandlers, operation) ? operationHandlers[operation] : undefined;
    if (handler === undefined) return fail(unknownOperation(typeof target === 'string' ? target : ''), caller);
    let result: JsonObject;
    try {
      result = handler(this.executions, requestOf(body.bytes), caller);
    } catch (error) {
      if (error instanceof SfnError) return fail(error, caller);
      throw error;
    }
    this.log.record({ operation, ...caller, status: 200 });
    this.send(response, requestId, 200, result);
  }
}
