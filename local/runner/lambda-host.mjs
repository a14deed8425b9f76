// The Lambda execution environment of a local run: a worker thread that loads the built handlers
// and invokes them on request. Plain JavaScript, started without the parent's module loaders
// (tsx, vitest), which would otherwise re-transform megabytes of bundled code on every run.
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

/** Each function's init: its module, or the error its module threw at load (as Lambda reports it on every invocation). */
const loaded = new Map();
for (const [functionKey, file] of Object.entries(bundles)) {
  try {
    const module = await import(pathToFileURL(file).href);
    if (typeof module.handler !== 'function') throw new Error(`${file} does not export a handler function`);
    loaded.set(functionKey, { handler: module.handler });
  } catch (error) {
    loaded.set(functionKey, { initError: error });
  }
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
  const context = lambdaContext(request);
  // The markers CloudWatch Logs shows around an invocation, written in order with its output.
  console.log(`START ${functionKey} RequestId: ${context.awsRequestId}`);
  let reply;
  try {
    const init = loaded.get(functionKey);
    if (init === undefined) throw new Error(`no handler was built for ${functionKey}`);
    if (init.initError !== undefined) throw init.initError;
    const result = await init.handler(JSON.parse(eventJson), context);
    reply = { id, resultJson: JSON.stringify(result ?? null) };
  } catch (error) {
    reply = { id, error: describeError(error) };
  }
  console.log(`END RequestId: ${context.awsRequestId}${reply.error ? ` ${reply.error.name}` : ''}`);
  parentPort.postMessage(reply);
});

parentPort.postMessage({ ready: true });
