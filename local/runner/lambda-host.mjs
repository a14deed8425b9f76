// The Lambda execution environment of a local run: a worker thread that invokes the built handlers
// on request, loading each on its first invocation. Plain JavaScript, started without the parent's
// module loaders (tsx, vitest), which would otherwise re-transform megabytes of bundled code.
// Its process.env is the run's own (set by the parent), and each run gets a new worker: fresh
// module scope, as a cold start on AWS.
import { enableCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

/** @type {Record<string, string>} function key → bundle file */
const bundles = workerData.bundles;

// Every run loads the same bundles into a new worker: V8's code cache on disk (keyed by each
// file's content) spares compiling megabytes of bundled code again; module scope still runs anew.
enableCompileCache();

/**
 * Each function's init, started on its first invocation (Lambda's cold start): a run loads only
 * the handlers its workflow reaches, not every bundle up front. It resolves with the handler, or
 * rejects with the error its module threw at load, which every invocation then reports, as Lambda
 * reports a failed init. One promise per function, so concurrent first invocations load it once.
 * @type {Map<string, Promise<Function>>}
 */
const inits = new Map();

function initOf(functionKey) {
  let init = inits.get(functionKey);
  if (init === undefined) {
    const file = bundles[functionKey];
    init =
      file === undefined
        ? Promise.reject(new Error(`no handler was built for ${functionKey}`))
        : import(pathToFileURL(file).href).then((module) => {
            if (typeof module.handler !== 'function') throw new Error(`${file} does not export a handler function`);
            return module.handler;
          });
    init.catch(() => {}); // reported by each invocation, not as an unhandled rejection
    inits.set(functionKey, init);
  }
  return init;
}

function describeError(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack ?? '' };
  return { name: 'Error', message: String(error), stack: '' };
}

function lambdaContext({ functionKey, functionArn, requestId, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style Lambda handlers are not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: functionKey,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionKey}`,
    logStreamName: `local/${functionKey}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

parentPort.on('message', async (request) => {
  if (request.stop) {
    // End once what the handlers printed has reached the parent (open SDK sockets would keep the thread alive).
    process.stdout.write('', () => process.stderr.write('', () => process.exit(0)));
    return;
  }
  const { id, functionKey, eventJson } = request;
  // Init before START, as in CloudWatch Logs: what a module prints at load precedes the invocation.
  const handler = await initOf(functionKey).catch((error) => ({ initError: error }));
  const context = lambdaContext(request);
  // The markers CloudWatch Logs shows around an invocation, written in order with its output.
  console.log(`START ${functionKey} RequestId: ${context.awsRequestId}`);
  const started = performance.now();
  let reply;
  try {
    if (typeof handler !== 'function') throw handler.initError;
    const result = await handler(JSON.parse(eventJson), context);
    reply = { id, resultJson: JSON.stringify(result ?? null) };
  } catch (error) {
    reply = { id, error: describeError(error) };
  }
  const durationMs = performance.now() - started;
  console.log(`END RequestId: ${context.awsRequestId}${reply.error ? ` ${reply.error.name}` : ''}`);
  // Lambda's REPORT line: the invocation's duration, as CloudWatch Logs shows it (real time here).
  console.log(`REPORT RequestId: ${context.awsRequestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms`);
  parentPort.postMessage(reply);
});

parentPort.postMessage({ ready: true });
