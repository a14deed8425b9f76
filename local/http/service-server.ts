// What every local stand-in's HTTP front does the same way, written once: the server that answers
// a bug with a 500 instead of going down and a malformed request with 400, and the log of the calls
// answered that tests and runs inspect. Each stand-in keeps its protocol: how it reads a request
// and what its answers (and its 500) look like.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './listen.ts';

/** How many calls a log keeps; past it, the older half is dropped. */
export const MAX_LOGGED_CALLS = 10_000;
/** How long a request may take to arrive whole. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface Answer {
  status: number;
  requestId: string;
  /** The media type of `body`; none for an empty answer that names none. */
  contentType?: string;
  body: string;
  /** The time of the clock signatures are checked against: the SDKs correct their clock skew from the `date` header. */
  date: Date;
  /** Headers of the protocol's own (`x-amzn-ErrorType`, …), written after the common ones. */
  headers?: Record<string, string>;
}

/** Writes an answer as every stand-in does: its type and length, `x-amzn-RequestId`, `date`, then the protocol's own headers. */
export function sendAnswer(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, {
    ...(answer.contentType === undefined ? {} : { 'content-type': answer.contentType }),
    'content-length': Buffer.byteLength(answer.body),
    'x-amzn-requestid': answer.requestId,
    date: answer.date.toUTCString(),
    ...answer.headers,
  });
  response.end(answer.body);
}

/** The calls a stand-in answered, oldest first, each stamped with the service's clock when recorded. */
export class CallLog<Call extends { at: string }> {
  private calls: Call[] = [];

  /** `now`: the clock the calls are stamped with (the service's, a simulated one in a local run). */
  constructor(private readonly now: () => Date) {}

  /** Logs a call at `at` (default: now on the log's clock); keeps the latest MAX_LOGGED_CALLS. */
  record(call: Omit<Call, 'at'>, at: string = this.now().toISOString()): void {
    this.calls.push({ ...call, at } as Call);
    if (this.calls.length > MAX_LOGGED_CALLS) this.calls = this.calls.slice(-MAX_LOGGED_CALLS / 2);
  }

  /** The calls logged (the latest 10,000), oldest first: a copy the caller may change. */
  list(): Call[] {
    return structuredClone(this.calls);
  }

  /** How many calls logged have `value` as their `field` (an operation, an action), or all of them. */
  count(field: keyof Call, value?: string): number {
    return value === undefined ? this.calls.length : this.calls.filter((call) => call[field] === value).length;
  }
}

export interface ServiceServerOptions {
  /** Serves one request; a rejection is a bug, answered by `answerBug`. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Answers a bug's message as the service's 500 (InternalFailure, InternalError, …), before any header went out. */
  answerBug(response: ServerResponse, message: string): void;
  /** How long the headers of a request may take, if the service sets it (listenOnLoopback sets its own when listening). */
  headersTimeoutMs?: number;
}

/** An HTTP server for a stand-in: `handle` serves, a bug answers 500 (or drops the connection if the answer had begun), a malformed request 400. */
export function createServiceServer(options: ServiceServerOptions): Server {
  const server = createServer((request, response) => {
    options.handle(request, response).catch((error: unknown) => {
      // Last line of defence: a bug answers 500 instead of taking the service down.
      if (!response.headersSent) options.answerBug(response, String((error as Error)?.message ?? error));
      else response.destroy();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  if (options.headersTimeoutMs !== undefined) server.headersTimeout = options.headersTimeoutMs;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  return server;
}

/**
 * The HTTP front of a stand-in: its server (createServiceServer), its call log, listening and
 * closing. A subclass serves requests (`handle`) and answers bugs its own way (`answerBug`).
 */
export abstract class ServiceHttpServer<Call extends { at: string }> {
  readonly server: Server;
  protected readonly log: CallLog<Call>;

  /** `now`: the clock calls are logged with; `headersTimeoutMs`: as createServiceServer's. */
  constructor(options: { now: () => Date; headersTimeoutMs?: number }) {
    this.log = new CallLog<Call>(options.now);
    this.server = createServiceServer({
      handle: (request, response) => this.handle(request, response),
      answerBug: (response, message) => this.answerBug(response, message),
      ...(options.headersTimeoutMs === undefined ? {} : { headersTimeoutMs: options.headersTimeoutMs }),
    });
  }

  protected abstract handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  protected abstract answerBug(response: ServerResponse, message: string): void;

  /** The calls answered so far (the latest 10,000), oldest first. */
  recordedCalls(): Call[] {
    return this.log.list();
  }

  /** How many calls answered have `value` as their `field` (e.g. `operation`, `action`), or all of them. */
  countCalls(field: keyof Call, value?: string): number {
    return this.log.count(field, value);
  }

  /** Listens on 127.0.0.1; resolves with the port bound (`port` 0: one the OS chooses). */
  listen(port: number): Promise<number> {
    return listenOnLoopback(this.server, port);
  }

  /** Stops listening and closes the open connections. */
  close(): Promise<void> {
    return closeServer(this.server);
  }
}
