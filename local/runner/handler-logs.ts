// What the handlers print goes to a log file of the run, as it would go to CloudWatch Logs on
// AWS, instead of into the progress display. AsyncLocalStorage tells a handler's writes (its
// Logger, Powertools warnings, the SDK's) from the runner's own: only writes made within an
// invocation's async context are redirected.
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';

type Sink = (text: string) => void;
type Write = typeof process.stdout.write;

const sinkOfInvocation = new AsyncLocalStorage<Sink>();
let installed = 0;
let originalWrites: { stdout: Write; stderr: Write } | undefined;

function redirecting(original: Write): Write {
  return function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const sink = sinkOfInvocation.getStore();
    if (sink === undefined) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  } as Write;
}

/** Starts redirecting handler output (counted: overlapping runs share the redirection). */
export function installHandlerLogCapture(): () => void {
  if (installed === 0) {
    originalWrites = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = redirecting(originalWrites.stdout);
    process.stderr.write = redirecting(originalWrites.stderr);
  }
  installed += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    installed -= 1;
    if (installed === 0 && originalWrites) {
      process.stdout.write = originalWrites.stdout;
      process.stderr.write = originalWrites.stderr;
      originalWrites = undefined;
    }
  };
}

/** A sink appending to a file (synchronously, so lines keep their order). */
export function fileSink(path: string): Sink {
  return (text) => appendFileSync(path, text);
}

/** Runs one handler invocation with its output going to `sink` (or the terminal when undefined). */
export function withHandlerLogs<T>(sink: Sink | undefined, invocation: () => Promise<T>): Promise<T> {
  return sink === undefined ? invocation() : sinkOfInvocation.run(sink, invocation);
}
