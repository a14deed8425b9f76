// The HTTP front of the local SNS service: the AWS query protocol as @aws-sdk/client-sns speaks it
// (client-sns 3.1169.0 uses AwsQueryProtocol: POST /, form-encoded `Action=Publish&Version=
// 2010-03-31&…`, no X-Amz-Target, no x-amzn-query-mode; parameters in the URL query are read too),
// SigV4 checked against the shared identity store with signing name `sns` (the credentials choose
// the account, the credential scope the Region), XML answers with `x-amzn-RequestId`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { queryParametersOf } from '#local/http/query-parameters.ts';
import { readBody } from '#local/http/read-body.ts';
import { sendAnswer, ServiceHttpServer } from '#local/http/service-server.ts';
import { signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import { SnsError } from './errors.ts';
import { operationHandlers } from './operations.ts';
import type { SnsTopics } from './topics.ts';
import { errorDocument, resultDocument } from './xml.ts';

/**
 * A Publish carries up to 256 KiB of message and attributes, which form encoding can triple
 * (`%XX`); anything larger than 1 MiB is refused before it is read into memory.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
const API_VERSION = '2010-03-31';

export interface SnsCall {
  action: string;
  /** The caller's ARN, account and the Region of the credential scope, once authenticated. */
  caller?: string;
  account?: string;
  region?: string;
  /** TopicArn (or TargetArn) of the request, if any. */
  topicArn?: string;
  status: number;
  errorCode?: string;
  at: string;
}

export class LocalSnsHttpServer extends ServiceHttpServer<SnsCall> {
  constructor(
    private readonly identity: IdentityStore,
    private readonly topics: SnsTopics,
    private readonly now: () => Date,
  ) {
    super({ now, headersTimeoutMs: 10_000 });
  }

  /** A bug answers 500 InternalError instead of taking the service down. */
  protected answerBug(response: ServerResponse, message: string): void {
    this.sendError(response, randomUUID(), new SnsError('InternalError', 500, message));
  }

  private send(response: ServerResponse, status: number, requestId: string, document: string): void {
    sendAnswer(response, { status, requestId, contentType: 'text/xml', body: document, date: this.identity.now() });
  }

  private sendError(response: ServerResponse, requestId: string, error: SnsError): void {
    this.send(response, error.statusCode, requestId, errorDocument(error, requestId));
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    const at = this.now().toISOString();
    const parameters = body.tooLarge ? new URLSearchParams() : queryParametersOf(request, body.bytes);
    const action = parameters.get('Action') ?? '';
    const topicArn = parameters.get('TopicArn') || parameters.get('TargetArn') || undefined;
    const record = (call: Omit<SnsCall, 'action' | 'at' | 'topicArn'>) => this.log.record({ action, ...(topicArn === undefined ? {} : { topicArn }), ...call }, at);
    const fail = (error: SnsError, who: Pick<SnsCall, 'caller' | 'account' | 'region'> = {}) => {
      record({ ...who, status: error.statusCode, errorCode: error.code });
      this.sendError(response, requestId, error);
    };

    if (body.tooLarge) return fail(new SnsError('RequestEntityTooLarge', 413, `Request body exceeds ${MAX_BODY_BYTES} bytes`));
    const auth = this.identity.authenticate(signedRequestOf(request, body.bytes), { service: 'sns' });
    if (!auth.ok) return fail(new SnsError(auth.code, auth.status, auth.message));

    const who = { caller: auth.caller.arn, account: auth.caller.account, region: auth.region };
    const version = parameters.get('Version') ?? '';
    const handler = Object.hasOwn(operationHandlers, action) ? operationHandlers[action] : undefined;
    if (!handler || version !== API_VERSION) {
      return fail(new SnsError('InvalidAction', 400, `Could not find operation ${action} for version ${version}${handler ? '' : ' (the local SNS service implements Publish, GetTopicAttributes, CreateTopic and ListTopics)'}`), who);
    }
    let result;
    try {
      result = handler({ topics: this.topics, parameters, caller: auth.caller, region: auth.region, now: this.now });
    } catch (error) {
      if (error instanceof SnsError) return fail(error, who);
      throw error;
    }
    record({ ...who, status: 200 });
    this.send(response, 200, requestId, resultDocument(action, result, requestId));
  }
}
