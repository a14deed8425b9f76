// The execution environment of one local Lambda function: a worker thread that loads the
// function's bundle (its init phase) and runs one invocation at a time on request, as the Node.js
// runtime does. Plain JavaScript, started without the parent's module loaders (tsx, vitest). Its
// process.env is the function's own (set by the parent). `console` is the runtime's: each line
// `<ISO time>\t<requestId>\t<LEVEL>\t<message>`, sent to the parent (which keeps the invocation's
// log for X-Amz-Log-Result and writes it to the service's output).
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

/** @type {{ bundle: string, functionName: string, handlerName: string, memorySize: number, logGroupName: string, logStreamName: string }} */
const config = workerData;

/** The invocation under way (its message id and request ID); undefined during init. */
let current;

function writeLog(level, args) {
  const line = `${new Date().toISOString()}\t${current?.requestId ?? 'undefined'}\t${level}\t${format(...args)}\n`;
  parentPort.postMessage({ log: line, id: current?.id });
}
console.log = (...args) => writeLog('INFO', args);
console.info = (...args) => writeLog('INFO', args);
console.warn = (...args) => writeLog('WARN', args);
console.error = (...args) => writeLog('ERROR', args);
console.debug = (...args) => writeLog('DEBUG', args);
console.trace = (...args) => writeLog('TRACE', args);

/** The error document the Node.js runtime answers a failed invocation with. */
function errorDocument(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n').filter((line) => line !== '') };
  }
  // A thrown non-Error (a string, an object): the runtime reports it under its own error type.
  return { errorType: typeof error === 'string' ? 'string' : 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), trace: [] };
}

/** Init: the module and its handler, or the error Lambda reports on every invocation instead. */
let handler;
let initError;
try {
  const module = await import(pathToFileURL(config.bundle).href);
  if (typeof module.handler !== 'function') {
    initError = { errorType: 'Runtime.HandlerNotFound', errorMessage: `${config.handlerName} is undefined or not exported`, trace: [] };
  } else {
    handler = module.handler;
  }
} catch (error) {
  const document = errorDocument(error);
  initError = { ...document, errorType: `Runtime.ImportModuleError`, errorMessage: `${document.errorType}: ${document.errorMessage}` };
}

function contextOf({ requestId, deadlineMs, functionArn }) {
  let callbackWaitsForEmptyEventLoop = true;
  return {
    get callbackWaitsForEmptyEventLoop() {
      return callbackWaitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      callbackWaitsForEmptyEventLoop = value;
    },
    functionName: config.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(config.memorySize),
    awsRequestId: requestId,
    logGroupName: config.logGroupName,
    logStreamName: config.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

/** An async handler's promise, or a callback-style handler's (event, context, callback) result. */
function run(event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

parentPort.on('message', async (request) => {
  const { id, requestId, eventJson } = request;
  current = { id, requestId };
  let reply;
  try {
    if (initError) {
      reply = { id, error: initError };
    } else {
      const result = await run(JSON.parse(eventJson), contextOf(request));
      const resultJson = JSON.stringify(result === undefined ? null : result);
      reply = { id, resultJson: resultJson === undefined ? 'null' : resultJson };
    }
  } catch (error) {
    reply = { id, error: errorDocument(error) };
  }
  current = undefined;
  parentPort.postMessage(reply);
});

// A promise the handler forgot: the Node.js runtime fails the invocation with it (and restarts).
process.on('unhandledRejection', (reason) => {
  const document = errorDocument(reason);
  parentPort.postMessage({ id: current?.id, crash: { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: `${document.errorType}: ${document.errorMessage}`, trace: document.trace } });
});

parentPort.postMessage({ ready: true });
