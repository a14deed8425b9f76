// The HTTP front of the local STS service: the AWS query protocol as the SDKs and the CLI speak
// it (POST /, form-encoded `Action=…&Version=2011-06-15&…`; parameters in the URL query are read
// too, as STS accepts GET), SigV4 checked against the shared identity store, XML answers with
// `x-amzn-RequestId`. Node's `http` module, as the local DRS service uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { queryParametersOf } from '#local/http/query-parameters.ts';
import { readBody } from '#local/http/read-body.ts';
import { sendAnswer, ServiceHttpServer } from '#local/http/service-server.ts';
import { signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import { StsError } from './errors.ts';
import { operationHandlers } from './operations.ts';
import { errorDocument, resultDocument } from './xml.ts';

/** STS requests are a few form fields; anything larger is refused before it is read into memory. */
export const MAX_BODY_BYTES = 64 * 1024;
const API_VERSION = '2011-06-15';

export interface StsCall {
  action: string;
  /** The caller's ARN once authenticated. */
  caller?: string;
  /** RoleArn of an AssumeRole. */
  roleArn?: string;
  status: number;
  errorCode?: string;
  at: string;
}

export class LocalStsHttpServer extends ServiceHttpServer<StsCall> {
  constructor(private readonly identity: IdentityStore) {
    super({ now: () => identity.now(), headersTimeoutMs: 10_000 });
  }

  /** A bug answers 500 InternalFailure instead of taking the service down. */
  protected answerBug(response: ServerResponse, message: string): void {
    this.sendError(response, randomUUID(), new StsError('InternalFailure', 500, message));
  }

  private send(response: ServerResponse, status: number, requestId: string, document: string): void {
    sendAnswer(response, { status, requestId, contentType: 'text/xml', body: document, date: this.identity.now() });
  }

  private sendError(response: ServerResponse, requestId: string, error: StsError): void {
    this.send(response, error.statusCode, requestId, errorDocument(error, requestId));
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    const at = this.identity.now().toISOString();
    const parameters = body.tooLarge ? new URLSearchParams() : queryParametersOf(request, body.bytes);
    const action = parameters.get('Action') ?? '';
    const roleArn = action === 'AssumeRole' ? (parameters.get('RoleArn') ?? undefined) : undefined;
    const record = (call: Omit<StsCall, 'action' | 'at' | 'roleArn'>) => this.log.record({ action, ...(roleArn === undefined ? {} : { roleArn }), ...call }, at);
    const fail = (error: StsError, caller?: string) => {
      record({ status: error.statusCode, errorCode: error.code, ...(caller ? { caller } : {}) });
      this.sendError(response, requestId, error);
    };

    if (body.tooLarge) return fail(new StsError('RequestEntityTooLarge', 413, `Request body exceeds ${MAX_BODY_BYTES} bytes`));
    const auth = this.identity.authenticate(signedRequestOf(request, body.bytes), { service: 'sts' });
    if (!auth.ok) return fail(new StsError(auth.code, auth.status, auth.message));

    const caller = auth.caller.arn;
    const version = parameters.get('Version') ?? '';
    const handler = Object.hasOwn(operationHandlers, action) ? operationHandlers[action] : undefined;
    if (!handler || version !== API_VERSION) {
      return fail(new StsError('InvalidAction', 400, `Could not find operation ${action} for version ${version}${handler ? '' : ' (the local STS service implements AssumeRole and GetCallerIdentity)'}`), caller);
    }
    let result;
    try {
      result = handler(this.identity, parameters, auth.caller);
    } catch (error) {
      if (error instanceof StsError) return fail(error, caller);
      throw error;
    }
    record({ caller, status: 200 });
    this.send(response, 200, requestId, resultDocument(action, result, requestId));
  }
}
