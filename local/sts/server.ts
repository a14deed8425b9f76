// The HTTP front of the local STS service: the AWS query protocol as the SDKs and the CLI speak
// it (POST /, form-encoded `Action=…&Version=2011-06-15&…`; parameters in the URL query are read
// too, as STS accepts GET), SigV4 checked against the shared identity store, XML answers with
// `x-amzn-RequestId`. Node's `http` module, as the local DRS service uses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { closeServer, listenOnLoopback } from '#local/http/listen.ts';
import { queryParametersOf } from '#local/http/query-parameters.ts';
import { readBody } from '#local/http/read-body.ts';
import { signedRequestOf, type IdentityStore } from '#local/identity/index.ts';
import { StsError } from './errors.ts';
import { operationHandlers } from './operations.ts';
import { errorDocument, resultDocument } from './xml.ts';

/** STS requests are a few form fields; anything larger is refused before it is read into memory. */
export const MAX_BODY_BYTES = 64 * 1024;
const API_VERSION = '2011-06-15';
const MAX_LOGGED_CALLS = 10_000;

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

export class LocalStsHttpServer {
  readonly server: Server;
  private calls: StsCall[] = [];

  constructor(private readonly identity: IdentityStore) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        // Last line of defence: a bug answers 500 InternalFailure instead of taking the service down.
        if (!response.headersSent) this.sendError(response, randomUUID(), new StsError('InternalFailure', 500, String((error as Error)?.message ?? error)));
        else response.destroy();
      });
    });
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    });
  }

  private send(response: ServerResponse, status: number, requestId: string, document: string): void {
    response.writeHead(status, {
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(document),
      'x-amzn-requestid': requestId,
      // The service's own clock: the SDKs correct their clock skew from this header.
      date: this.identity.now().toUTCString(),
    });
    response.end(document);
  }

  private sendError(response: ServerResponse, requestId: string, error: StsError): void {
    this.send(response, error.statusCode, requestId, errorDocument(error, requestId));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    const at = this.identity.now().toISOString();
    const parameters = body.tooLarge ? new URLSearchParams() : queryParametersOf(request, body.bytes);
    const action = parameters.get('Action') ?? '';
    const roleArn = action === 'AssumeRole' ? (parameters.get('RoleArn') ?? undefined) : undefined;
    const record = (call: Omit<StsCall, 'action' | 'at' | 'roleArn'>) => {
      this.calls.push({ action, ...(roleArn === undefined ? {} : { roleArn }), ...call, at });
      if (this.calls.length > MAX_LOGGED_CALLS) this.calls = this.calls.slice(-MAX_LOGGED_CALLS / 2);
    };
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

  /** The calls answered so far (the latest 10,000), oldest first. */
  recordedCalls(): StsCall[] {
    return structuredClone(this.calls);
  }

  listen(port: number): Promise<number> {
    return listenOnLoopback(this.server, port);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}
