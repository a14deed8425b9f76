// The HTTP front of the local DRS service: restJson1 as the AWS SDKs speak it, plus the
// inspection API under /_local/. Node's own `http` module is enough: one route table from the
// model, one body reader; a framework would add routing we do not need and hide the wire details
// (status codes, headers) this service exists to get exactly right.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { closeServer, listenOnLoopback } from '#local/http/listen.ts';
import { readBody, type ReadBody } from '#local/http/read-body.ts';
import { parseAuthorizationHeader, signedRequestOf, type AuthErrorCode, type IdentityStore } from '#local/identity/index.ts';
import { isoTime } from './clock.ts';
import { DrsError, lostResponseError, uninitializedAccountError, validationError } from './errors.ts';
import { faultSchema, type LostResponseHow } from './faults.ts';
import { operationHandlers } from './operations.ts';
import { operationHasBody, routeRequest } from './router.ts';
import { validateInput } from './validate.ts';
import type { DrsSimulator } from './simulator.ts';
import type { DrsWorld } from './world.ts';

/** Requests larger than this are refused (DRS requests are small JSON documents). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The call log keeps the latest calls; counts cover every call. */
const MAX_LOGGED_CALLS = 20_000;

export interface RecordedCall {
  operation: string;
  input: unknown;
  /** The status the operation answered (for a lost response: what it would have answered). */
  status: number;
  errorType?: string;
  at: string;
  /** The account the request's credentials placed it in (absent when they placed it nowhere). */
  accountId?: string;
  /** The operation ran but a lostResponse fault kept its answer from the client. */
  lostResponse?: LostResponseHow;
}

export class CallLog {
  private entries: RecordedCall[] = [];
  /** By `operation` and by `operation account`: counts cover every call, the log only the latest. */
  private readonly counts = new Map<string, number>();
  private readonly totals = new Map<string, number>();
  private total = 0;

  record(call: RecordedCall): void {
    this.entries.push(call);
    if (this.entries.length > MAX_LOGGED_CALLS) this.entries = this.entries.slice(-MAX_LOGGED_CALLS / 2);
    const add = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    add(this.counts, call.operation);
    if (call.accountId !== undefined) {
      add(this.counts, `${call.operation} ${call.accountId}`);
      add(this.totals, call.accountId);
    }
    this.total++;
  }

  all(): RecordedCall[] {
    return structuredClone(this.entries);
  }

  /** Calls of one operation or all, in one account or all. */
  count(operation?: string, accountId?: string): number {
    if (accountId === undefined) return operation ? (this.counts.get(operation) ?? 0) : this.total;
    return operation ? (this.counts.get(`${operation} ${accountId}`) ?? 0) : (this.totals.get(accountId) ?? 0);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON object body; anything else is the ValidationException (cannotParse) DRS sends. */
function parseJsonObject(body: ReadBody): Record<string, unknown> | DrsError {
  if (body.tooLarge) return validationError(`Request body exceeds ${MAX_BODY_BYTES} bytes`, 'cannotParse');
  if (body.bytes.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(body.bytes));
  } catch {
    return validationError('Could not parse request body as JSON', 'cannotParse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return validationError('Request body must be a JSON object', 'cannotParse');
  }
  return parsed as Record<string, unknown>;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(payload ? { 'content-type': 'application/json' } : {}),
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}

/**
 * The errors a JSON-protocol AWS service answers for credentials it does not accept (the common
 * errors of every AWS API reference), by the identity store's query-protocol code.
 */
const authErrorTypes: Record<AuthErrorCode, string> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  ExpiredToken: 'ExpiredTokenException',
};

/** What to do with a request whose credentials the identity world does not accept. */
export type UnknownCredentials = 'reject' | 'homeAccount';

/** `?accountId=…&region=…` of an inspection route. */
function scopeOf(url: URL): { accountId?: string; region?: string } {
  const accountId = url.searchParams.get('accountId') ?? undefined;
  const region = url.searchParams.get('region') ?? undefined;
  return { ...(accountId ? { accountId } : {}), ...(region ? { region } : {}) };
}

function sendError(response: ServerResponse, requestId: string, error: DrsError): void {
  send(response, error.statusCode, error.body(), {
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': error.errorType,
    ...(error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
  });
}

export class LocalDrsHttpServer {
  readonly server: Server;
  readonly calls = new CallLog();

  constructor(
    private readonly world: DrsWorld,
    private readonly identity: IdentityStore,
    private readonly unknownCredentials: UnknownCredentials = 'reject',
  ) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        // Last line of defence: a bug answers 500 instead of taking the service down.
        if (!response.headersSent) sendError(response, randomUUID(), new DrsError('InternalServerException', 500, String((error as Error)?.message ?? error)));
        else response.destroy();
      });
    });
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(request, MAX_BODY_BYTES);
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return sendError(response, requestId, validationError('Malformed request URL', 'unknownOperation'));
    }
    if (url.pathname.startsWith('/_local/') || url.pathname === '/_local') return this.handleLocal(request.method ?? 'GET', url, body, response);

    const routed = routeRequest(request.method ?? 'GET', url);
    const at = isoTime(this.world.nowMs());
    // As in AWS, credentials are checked before anything else: they choose the account and Region.
    const store = this.storeOf(request, body.bytes);
    const accountId = store instanceof DrsError ? undefined : store.accountId;
    const fail = (operation: string, input: unknown, error: DrsError) => {
      this.calls.record({ operation, input, status: error.statusCode, errorType: error.errorType, at, ...(accountId === undefined ? {} : { accountId }) });
      sendError(response, requestId, error);
    };
    if (store instanceof DrsError) return fail(routed instanceof DrsError ? 'UnknownOperation' : routed.operation.name, undefined, store);
    const sim = store;
    if (routed instanceof DrsError) return fail('UnknownOperation', { method: request.method, path: url.pathname }, routed);
    const operation = routed.operation.name;

    let input: Record<string, unknown> = { ...routed.boundMembers };
    if (operationHasBody(routed.operation)) {
      const parsed = parseJsonObject(body);
      if (parsed instanceof DrsError) return fail(operation, undefined, parsed);
      input = { ...parsed, ...routed.boundMembers };
    }

    const injected = this.world.requestFaults.check(operation);
    if (injected) return fail(operation, input, injected);

    const invalid = validateInput(routed.operation.input?.shape, input);
    if (invalid) return fail(operation, input, invalid);

    // Where DRS was never initialized, only InitializeService works (the model lists the error on
    // every other operation but the three tag operations; they answer it here too).
    if (operation !== 'InitializeService' && !this.world.isInitialized(sim.accountId, sim.region)) {
      return fail(operation, input, uninitializedAccountError(sim.accountId, sim.region));
    }

    const handler = operationHandlers[operation];
    if (!handler) return fail(operation, input, validationError(`Operation ${operation} is not simulated by the local DRS service`, 'unknownOperation'));

    let output: unknown;
    let failure: DrsError | undefined;
    try {
      // A frozen clock moves by the request's modelled latency; the answer is as of its end.
      if (this.world.apiLatencyMs > 0 && this.world.clock.speed === 0) this.world.clock.advanceBy(this.world.apiLatencyMs / 1000);
      const nowMs = sim.advance();
      output = handler(sim, input, nowMs, operation);
    } catch (error) {
      failure = error instanceof DrsError ? error : new DrsError('InternalServerException', 500, `Local DRS service error: ${(error as Error).message}`);
    }
    const status = failure?.statusCode ?? routed.operation.http.responseCode ?? 200;

    // The operation has run and changed state; only its answer goes missing, as when a connection
    // drops on the way back. The call log keeps what the operation did, so tests can count effects.
    const lost = this.world.requestFaults.takeLostResponse(operation);
    if (lost) {
      this.calls.record({ operation, input, status, ...(failure ? { errorType: failure.errorType } : {}), at, accountId, lostResponse: lost });
      if (lost === 'reset') return void request.socket.destroy();
      return sendError(response, requestId, lostResponseError());
    }
    if (failure) return fail(operation, input, failure);
    this.calls.record({ operation, input, status, at, accountId });
    send(response, status, status === 204 ? undefined : output, { 'x-amzn-requestid': requestId });
  }

  /**
   * The store a request is for: the account its SigV4 access key belongs to and the Region of its
   * credential scope. With `homeAccount`, requests the identity world cannot place (unsigned, or
   * an access key it does not know) go to the scenario's account, in their scope's Region.
   */
  private storeOf(request: IncomingMessage, body: Buffer): DrsSimulator | DrsError {
    const auth = this.identity.authenticate(signedRequestOf(request, body), { service: 'drs' });
    if (auth.ok) return this.world.store(auth.caller.account, auth.region);
    if (this.unknownCredentials === 'homeAccount' && (auth.code === 'MissingAuthenticationToken' || auth.code === 'InvalidClientTokenId')) {
      const header = request.headers.authorization;
      const scope = header ? parseAuthorizationHeader(header) : undefined;
      return this.world.store(this.world.scenario.accountId, typeof scope === 'object' ? scope.region : this.world.scenario.region);
    }
    return new DrsError(authErrorTypes[auth.code], auth.status, auth.message);
  }

  private handleLocal(method: string, url: URL, body: ReadBody, response: ServerResponse): void {
    const route = `${method.toUpperCase()} ${url.pathname.replace(/\/$/, '')}`;
    const bad = (message: string) => send(response, 400, { message });
    try {
      switch (route) {
        case 'GET /_local/state':
          return send(response, 200, this.world.state(scopeOf(url)));
        case 'GET /_local/calls':
          return send(response, 200, { total: this.calls.count(), calls: this.calls.all() });
        case 'GET /_local/timeline':
          return send(response, 200, { jobs: this.world.timeline(scopeOf(url)) });
        case 'POST /_local/faults': {
          const parsed = parseJsonObject(body);
          if (parsed instanceof DrsError) return bad(parsed.message);
          const fault = faultSchema.safeParse(parsed);
          if (!fault.success) return bad(fault.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
          this.world.injectFault(fault.data);
          return send(response, 201, { injected: fault.data });
        }
        case 'DELETE /_local/faults':
          this.world.clearFaults();
          return send(response, 204, undefined);
        case 'POST /_local/advance': {
          const parsed = parseJsonObject(body);
          const seconds = parsed instanceof DrsError ? undefined : parsed.seconds;
          if (typeof seconds !== 'number' || !(seconds >= 0)) return bad('body must be {"seconds": <non-negative number>}');
          this.world.clock.advanceBy(seconds);
          this.world.advance();
          return send(response, 200, { now: this.world.clock.now().toISOString() });
        }
        default:
          return send(response, 404, { message: `No local route ${route}. Try GET /_local/state, GET /_local/calls, GET /_local/timeline, POST|DELETE /_local/faults, POST /_local/advance` });
      }
    } catch (error) {
      return bad((error as Error).message);
    }
  }

  listen(port: number): Promise<number> {
    return listenOnLoopback(this.server, port);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

