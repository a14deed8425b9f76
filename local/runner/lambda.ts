// The built handlers (.build/functions/<key>/index.mjs) invoked as Lambda would invoke them, in a
// worker thread of their own (lambda-host.mjs), and Lambda's own failures simulated around them.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { bundleFileOf } from '#deploy/bundles.ts';

/** Lambda faults for one Task state, by invocation number (1 = the first time the state runs it). */
export interface LambdaFault {
  /** The Nth invocation runs the handler, then fails as if Lambda lost the response. */
  failAfterInvocation?: number;
  /** The Nth invocation fails before the handler runs, as if Lambda could not start it. */
  failBeforeInvocation?: number;
}

/** What Step Functions reports when the Lambda service itself fails; the ASL retries it. */
export class LambdaServiceException extends Error {
  override name = 'Lambda.ServiceException';
}

/** A handler result above this fails the state on AWS (Step Functions' payload quota). */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** A terminal error on AWS: States.ALL neither retries nor catches it (flags read by the library). */
export class DataLimitExceededError extends Error {
  override name = 'States.DataLimitExceeded';
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/**
 * The error Step Functions sees when a Lambda function throws: `Error` is the error's name and
 * `Cause` the JSON document the Node.js runtime writes (errorType, errorMessage, trace), as on
 * AWS, so Catch paths and reports are exercised with the real shape.
 */
export function lambdaError(thrown: { name: string; message: string; stack: string }): Error {
  const cause = JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message, trace: thrown.stack.split('\n') });
  return Object.assign(new Error(cause), { name: thrown.name });
}

/** The Lambda execution environment of a run: the built handlers loaded in a worker thread. */
export interface LambdaHost {
  /** Invokes a handler with an event (JSON); resolves with its result (JSON) or rejects with its error. */
  invoke(functionKey: string, functionArn: string, eventJson: string): Promise<string>;
  stop(): Promise<void>;
}

export interface LambdaHostOptions {
  buildDir: string;
  functionKeys: Iterable<string>;
  /** The handlers' whole environment (process.env inside the worker). */
  env: Record<string, string>;
  /** Where the handlers' stdout and stderr go. */
  output: (text: string) => void;
  /** The Lambda timeout the context reports (getRemainingTimeInMillis). */
  timeoutMs?: number;
}

const HOST_SCRIPT = new URL('./lambda-host.mjs', import.meta.url);

interface HostReply {
  id?: number;
  ready?: boolean;
  resultJson?: string;
  error?: { name: string; message: string; stack: string };
}

/**
 * Starts a worker thread for the bundles with the given environment; resolves once it is ready.
 * Every bundle must exist up front, but each handler's module loads on its first invocation (a
 * cold start), so a run loads only the handlers it reaches; a module that fails to load fails each
 * invocation of its handler with that error, as a failed Lambda init does.
 */
export async function startLambdaHost(options: LambdaHostOptions): Promise<LambdaHost> {
  const bundles: Record<string, string> = {};
  for (const key of new Set(options.functionKeys)) {
    const file = bundleFileOf(options.buildDir, key);
    await access(file).catch(() => {
      throw new Error(`no built handler for "${key}": ${file} is missing; run \`npm run build\` (functions/ needs a handler file for it)`);
    });
    bundles[key] = file;
  }
  // execArgv []: none of the parent's loaders (tsx, vitest) in the worker, which would
  // re-transform megabytes of bundled code on every run; the bundles are plain ESM.
  const worker = new Worker(HOST_SCRIPT, { workerData: { bundles }, env: options.env, execArgv: [], stdout: true, stderr: true });
  worker.stdout.on('data', (chunk: Buffer) => options.output(chunk.toString('utf8')));
  worker.stderr.on('data', (chunk: Buffer) => options.output(chunk.toString('utf8')));

  const pending = new Map<number, { resolve: (json: string) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let crashed: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: HostReply) => {
      if (reply.ready) return resolve();
      const call = reply.id === undefined ? undefined : pending.get(reply.id);
      if (call === undefined || reply.id === undefined) return;
      pending.delete(reply.id);
      if (reply.error) call.reject(lambdaError(reply.error));
      else call.resolve(reply.resultJson ?? 'null');
    });
    // An uncaught exception ends the execution environment, as it ends a Lambda runtime.
    const crash = (error: Error) => {
      crashed = Object.assign(new Error(`the local Lambda runtime stopped: ${error.message}`), { name: 'Runtime.ExitError' });
      for (const call of pending.values()) call.reject(crashed);
      pending.clear();
      reject(crashed);
    };
    worker.on('error', crash);
    worker.on('exit', (code) => crash(new Error(`exit code ${code}`)));
  });

  return {
    invoke(functionKey, functionArn, eventJson) {
      if (crashed) return Promise.reject(crashed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, functionKey, functionArn, eventJson, requestId: randomUUID(), timeoutMs: options.timeoutMs ?? 900_000 });
      });
    },
    async stop() {
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      // A graceful end, so the last lines the handlers printed are not lost; terminate if it hangs.
      const ended = Promise.all([once(worker, 'exit'), once(worker.stdout, 'end'), once(worker.stderr, 'end')]);
      worker.postMessage({ stop: true });
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await ended.finally(() => clearTimeout(timer));
    },
  };
}

export interface LambdaInvoker {
  /** Invokes a Task state's handler the way Step Functions invokes a Lambda function. */
  invoke(stateName: string, functionKey: string, functionArn: string, event: unknown): Promise<unknown>;
  /** How many times each Task state's handler ran (a failBeforeInvocation attempt does not count). */
  invocations: Record<string, number>;
}

/** Step Functions' side of a Lambda invocation: simulated Lambda faults and the payload quota. */
export function createLambdaInvoker(host: LambdaHost, faults: Record<string, LambdaFault> = {}): LambdaInvoker {
  const attempts: Record<string, number> = {};
  const invocations: Record<string, number> = {};
  return {
    invocations,
    async invoke(stateName, functionKey, functionArn, event) {
      const attempt = (attempts[stateName] = (attempts[stateName] ?? 0) + 1);
      const fault = faults[stateName];
      if (fault?.failBeforeInvocation === attempt) {
        throw new LambdaServiceException(`simulated: ${functionKey} invocation ${attempt} failed before the handler ran`);
      }
      invocations[stateName] = (invocations[stateName] ?? 0) + 1;
      const resultJson = await host.invoke(functionKey, functionArn, JSON.stringify(event ?? null));
      if (fault?.failAfterInvocation === attempt) {
        throw new LambdaServiceException(`simulated: ${functionKey} invocation ${attempt} ran, then its response was lost`);
      }
      const bytes = Buffer.byteLength(resultJson);
      if (bytes > STATE_PAYLOAD_LIMIT_BYTES) {
        throw new DataLimitExceededError(`${functionKey} returned ${bytes} bytes; a state's payload is limited to ${STATE_PAYLOAD_LIMIT_BYTES}`);
      }
      return JSON.parse(resultJson) as unknown;
    },
  };
}
