// The execution environments of the local Lambda functions: each handler file built with esbuild
// (bundled, platform node, ESM, node22: what a Lambda deployment package of the nodejs22.x runtime
// holds) and loaded in a worker thread of its own (host-worker.mjs) with the function's
// environment, and invocations run there one at a time under the function's timeout. A timeout or
// a crash ends the environment, as on Lambda; the next invocation starts a fresh one (a cold start).
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build, version as esbuildVersion, type BuildOptions, type Metafile } from 'esbuild';
import type { LambdaFunctionSpec } from './scenario.ts';

const WORKER_SCRIPT = new URL('./host-worker.mjs', import.meta.url);

/** The Node.js runtime's error document: what a failed invocation answers. */
export interface FunctionErrorDocument {
  errorType?: string;
  errorMessage: string;
  trace?: string[];
}

export type RunResult =
  | { outcome: 'success'; payload: string; log: string; durationMs: number }
  | { outcome: 'error' | 'timeout'; error: FunctionErrorDocument; payload: string; log: string; durationMs: number };

export interface BuiltFunction {
  spec: LambdaFunctionSpec;
  /** The handler file as given, resolved against baseDir. */
  source: string;
  bundle: string;
  /** GetFunctionConfiguration's Handler: `<file name>.handler`. */
  handlerName: string;
  codeSize: number;
  codeSha256: string;
  /** When it was built, as Lambda writes LastModified: `2026-12-01T21:09:29.000+0000`. */
  lastModified: string;
}

export class HandlerBuildError extends Error {
  override name = 'HandlerBuildError';
}

/** Bundles of this process, by handler file and its modification time: a test suite starts dozens of services. */
const bundles = new Map<string, Promise<string>>();

/**
 * Where bundles outlive their process: the next one (another test file, the next local run) reuses
 * a handler's bundle while every file its build read is unchanged (by size and mtime, else by
 * content), instead of bundling the AWS SDK again (about 0.9 s a start here).
 */
const SHARED_BUNDLE_DIR = join(tmpdir(), 'local-lambda-bundles');

const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  logLevel: 'silent',
  sourcemap: 'inline',
  metafile: true,
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __localLambdaCreateRequire } from 'node:module'; const require = __localLambdaCreateRequire(import.meta.url);" },
} as const satisfies BuildOptions;

interface BuildInput {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Whether the bundle is there and every file its build read (its record) still holds what it did. */
async function stillBuilt(bundle: string, recordFile: string): Promise<boolean> {
  const [present, text] = await Promise.all([stat(bundle).then(() => true, () => false), readFile(recordFile, 'utf8').catch(() => undefined)]);
  if (!present || text === undefined) return false;
  let inputs: BuildInput[];
  try {
    inputs = JSON.parse(text) as BuildInput[];
  } catch {
    return false;
  }
  const checks = await Promise.all(
    inputs.map(async (input) => {
      const now = await stat(input.path).catch(() => undefined);
      if (now === undefined) return false;
      if (now.size === input.size && now.mtimeMs === input.mtimeMs) return true;
      return sha256Of(await readFile(input.path)) === input.sha256;
    }),
  );
  return !checks.includes(false);
}

/** esbuild's bundle of a handler file (or the one an earlier process left, unchanged since); its errors with their locations in the message. */
async function bundleOf(source: string): Promise<string> {
  const id = createHash('sha256').update(`${esbuildVersion}\n${JSON.stringify(BUNDLE_OPTIONS)}\n${source}`).digest('hex').slice(0, 24);
  const bundle = join(SHARED_BUNDLE_DIR, `${id}.mjs`);
  const recordFile = `${bundle}.inputs.json`;
  if (await stillBuilt(bundle, recordFile)) return bundle;
  await mkdir(SHARED_BUNDLE_DIR, { recursive: true });
  // Written aside, then renamed into place: another process reading the bundle meanwhile sees the
  // old one or the new one whole. The record comes last: with the old record, a new bundle is
  // only built again.
  const aside = `${bundle}.${randomUUID()}.tmp`;
  let metafile: Metafile;
  try {
    ({ metafile } = await build({ ...BUNDLE_OPTIONS, entryPoints: [source], outfile: aside }));
  } catch (error) {
    await rm(aside, { force: true });
    const errors = (error as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors;
    const detail = errors?.length
      ? errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text)).join('\n  ')
      : String((error as Error)?.message ?? error);
    throw new Error(detail);
  }
  const inputs = await Promise.all(
    Object.keys(metafile.inputs).map(async (input): Promise<BuildInput> => {
      const path = resolve(input);
      // Stat before reading: a file changed in between has a newer mtime than recorded.
      const { size, mtimeMs } = await stat(path);
      return { path, size, mtimeMs, sha256: sha256Of(await readFile(path)) };
    }),
  );
  await rename(aside, bundle);
  const recordAside = `${recordFile}.${randomUUID()}.tmp`;
  await writeFile(recordAside, JSON.stringify(inputs));
  await rename(recordAside, recordFile);
  return bundle;
}

/** Builds one function's handler file (once per process and file version); a missing file or a build error names the function and the file. */
export async function buildHandler(spec: LambdaFunctionSpec, index: number, baseDir: string): Promise<BuiltFunction> {
  const source = resolve(baseDir, spec.handler);
  const where = `function '${spec.name}' (lambda.functions.${index}.handler: ${spec.handler})`;
  const modified = await stat(source).catch(() => {
    throw new HandlerBuildError(`${where}: the handler file ${source} does not exist (handler paths are relative to baseDir ${resolve(baseDir)})`);
  });
  const key = `${source}\n${modified.mtimeMs}`;
  let built = bundles.get(key);
  if (built === undefined) {
    built = bundleOf(source);
    bundles.set(key, built);
    // A failed build is tried again next time (the file may be fixed by then).
    built.catch(() => bundles.delete(key));
  }
  const bundle = await built.catch((error: unknown) => {
    throw new HandlerBuildError(`${where}: ${source} failed to build:\n  ${(error as Error).message}`);
  });
  const code = await readFile(bundle);
  return {
    spec,
    source,
    bundle,
    handlerName: `${basename(source, extname(source))}.handler`,
    codeSize: code.length,
    codeSha256: createHash('sha256').update(code).digest('base64'),
    lastModified: new Date().toISOString().replace('Z', '+0000'),
  };
}

interface Running {
  id: number;
  logs: string[];
  settle: (reply: { resultJson?: string; error?: FunctionErrorDocument; timedOut?: boolean }) => void;
}

export interface FunctionRuntimeOptions {
  /** process.env of the function: already the service's extra env, the function's environment and Lambda's own variables. */
  env: Record<string, string>;
  output: (text: string) => void;
}

/** One function's execution environment: a worker thread, one invocation at a time. */
export class FunctionRuntime {
  private worker?: Worker;
  private ready?: Promise<void>;
  private running?: Running;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private stopped = false;
  /** GetFunctionConfiguration's RevisionId: one per start of the service (the code does not change). */
  readonly revisionId = randomUUID();

  constructor(
    readonly built: BuiltFunction,
    private readonly options: FunctionRuntimeOptions,
  ) {}

  /** Starts the environment (init: the module loaded); resolves once it is ready. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const { spec } = this.built;
    // execArgv []: none of the parent's loaders (tsx, vitest) in the worker; the bundle is plain ESM.
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: {
        bundle: this.built.bundle,
        functionName: spec.name,
        handlerName: this.built.handlerName,
        memorySize: spec.memorySize,
        logGroupName: `/aws/lambda/${spec.name}`,
        logStreamName: `local/[$LATEST]${createHash('sha256').update(`${spec.account}/${spec.region}/${spec.name}`).digest('hex').slice(0, 32)}`,
      },
      env: this.options.env,
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    this.worker = worker;
    worker.stdout.on('data', (chunk: Buffer) => this.options.output(chunk.toString('utf8')));
    worker.stderr.on('data', (chunk: Buffer) => this.options.output(chunk.toString('utf8')));
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      worker.on('message', (message: { ready?: boolean; log?: string; id?: number; resultJson?: string; error?: FunctionErrorDocument; crash?: FunctionErrorDocument }) => {
        if (message.ready) return resolveReady();
        if (message.log !== undefined) {
          this.options.output(message.log);
          if (this.running && message.id === this.running.id) this.running.logs.push(message.log);
          return;
        }
        if (!this.running || message.id !== this.running.id) return;
        if (message.crash) {
          // The runtime ends the environment after an unhandled rejection.
          this.running.settle({ error: message.crash });
          this.discard();
          return;
        }
        this.running.settle(message.error ? { error: message.error } : { resultJson: message.resultJson ?? 'null' });
      });
      const ended = (error: Error) => {
        if (this.worker !== worker) return;
        rejectReady(error);
        this.running?.settle({ error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${error.message}` } });
        this.discard();
      };
      worker.on('error', ended);
      worker.on('exit', (code) => ended(new Error(`exit status ${code}`)));
    });
    // A rejection here is reported by the invocation that waits for it.
    this.ready.catch(() => {});
    return this.ready;
  }

  /** Forgets the environment (ended, timed out or crashed); the next invocation starts a new one. */
  private discard(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker) {
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      void worker.terminate();
    }
  }

  /** Runs an invocation once the ones before it have finished. */
  invoke(eventJson: string, requestId: string, functionArn: string): Promise<RunResult> {
    const run = this.queue.then(() => this.run(eventJson, requestId, functionArn));
    this.queue = run.catch(() => {});
    return run;
  }

  private async run(eventJson: string, requestId: string, functionArn: string): Promise<RunResult> {
    const { spec } = this.built;
    const started = Date.now();
    const timeoutMs = spec.timeoutSeconds * 1000;
    const logs: string[] = [`START RequestId: ${requestId} Version: $LATEST\n`];
    const finish = (reply: { resultJson?: string; error?: FunctionErrorDocument; timedOut?: boolean }): RunResult => {
      const durationMs = Date.now() - started;
      // Lambda's own line for a timeout, written to the log and answered as the error message.
      const timedOut = reply.timedOut ? `${new Date().toISOString()} ${requestId} Task timed out after ${(durationMs / 1000).toFixed(2)} seconds` : undefined;
      if (timedOut) {
        logs.push(`${timedOut}\n`);
        this.options.output(`${timedOut}\n`);
      }
      const end = [`END RequestId: ${requestId}\n`, `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\tMemory Size: ${spec.memorySize} MB\tMax Memory Used: ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB\t\n`];
      logs.push(...end);
      for (const line of end) this.options.output(line);
      const log = logs.join('');
      if (timedOut) {
        // What Lambda answers a timed-out invocation with: the log line's text alone, no errorType.
        const error = { errorMessage: timedOut };
        return { outcome: 'timeout', error, payload: JSON.stringify(error), log, durationMs };
      }
      if (reply.error) return { outcome: 'error', error: reply.error, payload: JSON.stringify(reply.error), log, durationMs };
      return { outcome: 'success', payload: reply.resultJson ?? 'null', log, durationMs };
    };
    if (this.stopped) return finish({ error: { errorType: 'Runtime.ExitError', errorMessage: 'the local Lambda service stopped' } });
    this.options.output(logs[0]!);

    try {
      await this.start();
    } catch (error) {
      return finish({ error: { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${(error as Error).message}` } });
    }
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<RunResult>((settled) => {
      let timer: NodeJS.Timeout | undefined;
      const running: Running = {
        id,
        logs,
        settle: (reply) => {
          if (this.running !== running) return;
          this.running = undefined;
          clearTimeout(timer);
          settled(finish(reply));
        },
      };
      this.running = running;
      timer = setTimeout(() => {
        // Lambda stops the environment when the timeout is reached: the handler's work ends with it.
        running.settle({ timedOut: true });
        this.discard();
      }, timeoutMs);
      worker.postMessage({ id, requestId, eventJson, functionArn, deadlineMs: started + timeoutMs });
    });
  }

  /** Ends the environment; an invocation under way ends with Runtime.ExitError. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.running?.settle({ error: { errorType: 'Runtime.ExitError', errorMessage: 'the local Lambda service stopped' } });
    this.discard();
    if (worker) await worker.terminate();
  }
}
