// The HTTP front of the local Route 53 service: the REST-XML protocol as the SDKs and the CLI
// speak it (the operation is the method and path under /2013-04-01/, members in the path, the
// query and an XML body), SigV4 checked against the shared identity store with the signing name
// `route53` (Route 53 is global: the SDKs sign for us-east-1, any Region is accepted), the zones
// of the account the credentials belong to, XML answers with `x-amzn-RequestId`. Built as the
// local CloudFormation service is (Node's `http`, the shared plumbing).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readBody } from '#local/http/read-body.ts';
import { sendAnswer, ServiceHttpServer } from '#local/http/service-server.ts';
import { signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import { Route53Error } from './errors.ts';
import { routeOf } from './operations.ts';
import type { Route53Zones } from './zones.ts';
import { errorDocument, resultDocument } from './xml.ts';

/** A change batch of the sizes the orchestrator sends is a few KiB; anything larger is refused before it is read into memory. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface Route53Call {
  /** The operation (e.g. `ChangeResourceRecordSets`), or `unknown` for a path not served. */
  operation: string;
  /** The caller's account, once authenticated. */
  account?: string;
  /** The hosted zone or change ID the path names. */
  resourceId?: string;
  status: number;
  errorCode?: string;
  at: string;
}

export class LocalRoute53HttpServer extends ServiceHttpServer<Route53Call> {
  constructor(
    private readonly identity: IdentityStore,
    private readonly zones: Route53Zones,
  ) {
    super({ now: () => new Date(zones.clock.nowMs()) });
  }

  /** A bug answers 500 InternalFailure instead of taking the service down. */
  protected answerBug(response: ServerResponse, message: string): void {
    this.sendError(response, randomUUID(), new Route53Error('InternalFailure', 500, message));
  }

  private send(response: ServerResponse, status: number, requestId: string, document: string): void {
    sendAnswer(response, { status, requestId, contentType: 'text/xml', body: document, date: this.identity.now() });
  }

  private sendError(response: ServerResponse, requestId: string, error: Route53Error): void {
    this.send(response, error.statusCode, requestId, errorDocument(error, requestId));
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    const at = new Date(this.zones.clock.nowMs()).toISOString();
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
    const route = routeOf({ method: request.method ?? 'GET', path, query, body: body.bytes });
    const operation = route?.operation ?? 'unknown';
    const record = (call: Pick<Route53Call, 'status' | 'errorCode' | 'account'>) => this.log.record({ operation, ...(route?.resourceId === undefined ? {} : { resourceId: route.resourceId }), ...call }, at);
    const fail = (error: Route53Error, account?: string) => {
      record({ status: error.statusCode, errorCode: error.code, ...(account === undefined ? {} : { account }) });
      this.sendError(response, requestId, error);
    };

    if (body.tooLarge) return fail(new Route53Error('InvalidInput', 413, `Request body exceeds ${MAX_BODY_BYTES} bytes`));
    const auth = this.identity.authenticate(signedRequestOf(request, body.bytes), { service: 'route53' });
    if (!auth.ok) return fail(new Route53Error(auth.code, auth.status, auth.message));
    const account = auth.caller.account;
    if (!route) {
      return fail(new Route53Error('InvalidAction', 400, `No operation at ${request.method} ${path} (the local Route 53 service implements ChangeResourceRecordSets, GetChange, ListResourceRecordSets and GetHostedZone, API version 2013-04-01)`), account);
    }
    let result;
    try {
      result = route.handle(this.zones, account);
    } catch (error) {
      if (error instanceof Route53Error) return fail(error, account);
      throw error;
    }
    record({ status: 200, account });
    this.send(response, 200, requestId, resultDocument(operation, result));
  }
}
