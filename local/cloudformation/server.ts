// The HTTP front of the local CloudFormation service: the AWS query protocol as the SDKs and the
// CLI speak it (POST /, form-encoded `Action=…&Version=2010-05-15&…`; parameters in the URL query
// are read too), SigV4 checked against the shared identity store, the stacks of the account the
// credentials belong to in the Region of the signature's scope, XML answers with
// `x-amzn-RequestId`. Built as the local STS service is (Node's `http`, the shared plumbing).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { queryParametersOf } from '#local/http/query-parameters.ts';
import { readBody } from '#local/http/read-body.ts';
import { sendAnswer, ServiceHttpServer } from '#local/http/service-server.ts';
import { signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import { CloudFormationError } from './errors.ts';
import { operationHandlers } from './operations.ts';
import type { CloudFormationStacks } from './stacks.ts';
import { errorDocument, resultDocument } from './xml.ts';

/** The actions served take a few form fields; anything larger is refused before it is read into memory. */
export const MAX_BODY_BYTES = 64 * 1024;
const API_VERSION = '2010-05-15';

export interface CloudFormationCall {
  action: string;
  /** Where it went, once authenticated: the caller's account and the signature's Region. */
  account?: string;
  region?: string;
  /** StackName as sent (a name or a stack ID). */
  stackName?: string;
  status: number;
  errorCode?: string;
  at: string;
}

export class LocalCloudFormationHttpServer extends ServiceHttpServer<CloudFormationCall> {
  constructor(
    private readonly identity: IdentityStore,
    private readonly stacks: CloudFormationStacks,
  ) {
    super({ now: () => new Date(stacks.clock.nowMs()) });
  }

  /** A bug answers 500 InternalFailure instead of taking the service down. */
  protected answerBug(response: ServerResponse, message: string): void {
    this.sendError(response, randomUUID(), new CloudFormationError('InternalFailure', 500, message));
  }

  private send(response: ServerResponse, status: number, requestId: string, document: string): void {
    sendAnswer(response, { status, requestId, contentType: 'text/xml', body: document, date: this.identity.now() });
  }

  private sendError(response: ServerResponse, requestId: string, error: CloudFormationError): void {
    this.send(response, error.statusCode, requestId, errorDocument(error, requestId));
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    const at = new Date(this.stacks.clock.nowMs()).toISOString();
    const parameters = body.tooLarge ? new URLSearchParams() : queryParametersOf(request, body.bytes);
    const action = parameters.get('Action') ?? '';
    const stackName = parameters.get('StackName') ?? undefined;
    const record = (call: Pick<CloudFormationCall, 'status' | 'errorCode' | 'account' | 'region'>) => this.log.record({ action, ...(stackName === undefined ? {} : { stackName }), ...call }, at);
    const fail = (error: CloudFormationError, where: { account?: string; region?: string } = {}) => {
      record({ status: error.statusCode, errorCode: error.code, ...where });
      this.sendError(response, requestId, error);
    };

    if (body.tooLarge) return fail(new CloudFormationError('RequestEntityTooLarge', 413, `Request body exceeds ${MAX_BODY_BYTES} bytes`));
    const auth = this.identity.authenticate(signedRequestOf(request, body.bytes), { service: 'cloudformation' });
    if (!auth.ok) return fail(new CloudFormationError(auth.code, auth.status, auth.message));

    const scope = { account: auth.caller.account, region: auth.region };
    const version = parameters.get('Version') ?? '';
    const handler = Object.hasOwn(operationHandlers, action) ? operationHandlers[action] : undefined;
    if (!handler || version !== API_VERSION) {
      return fail(new CloudFormationError('InvalidAction', 400, `Could not find operation ${action} for version ${version}${handler ? '' : ' (the local CloudFormation service implements DescribeStacks and DeleteStack)'}`), scope);
    }
    let result;
    try {
      result = handler(this.stacks, parameters, scope);
    } catch (error) {
      if (error instanceof CloudFormationError) return fail(error, scope);
      throw error;
    }
    record({ status: 200, ...scope });
    this.send(response, 200, requestId, resultDocument(action, result, requestId));
  }
}
