// Programmatic entry point of the local Lambda service: start it on a port (0 = ephemeral) over an
// identity store (shared with the other local services, so the same credentials work there) with
// the functions of a scenario's `lambda:` block, each a local handler file built and loaded in a
// worker thread of its own; point the real @aws-sdk/client-lambda (or the AWS CLI) at it; see what
// was invoked; stop it.
import { DEFAULT_ACCOUNT_ID, defaultCredentials, defaultIdentity, IdentityStore } from '#local/identity/index.ts';
import { functionArnOf } from './arn.ts';
import { LocalFunctions, type FunctionSummary, type InvocationRecord } from './functions.ts';
import { buildHandler, FunctionRuntime, type BuiltFunction } from './host.ts';
import { parseLambdaFunctions, type LambdaFunctionSpec } from './scenario.ts';
import { LocalLambdaHttpServer, type LambdaCall } from './server.ts';

export { parseLambdaFunctions, LambdaFunctionsError, lambdaFunctionsSchema, RESERVED_ENVIRONMENT_KEYS, type LambdaFunctionsBlock, type LambdaFunctionDeclaration, type LambdaFunctionSpec } from './scenario.ts';
export { HandlerBuildError, type FunctionErrorDocument } from './host.ts';
export { LambdaError } from './errors.ts';
export { functionArnOf, parseFunctionName, type FunctionRef } from './arn.ts';
export type { FunctionSummary, InvocationOutcome, InvocationRecord } from './functions.ts';
export type { LambdaCall };

export interface StartLocalLambdaOptions {
  /** The identity world requests are authenticated against (share the other local services'); default: the default world. */
  identity?: IdentityStore;
  /** The scenario's `lambda:` block (`{ functions: [...] }`) or its `functions` list; validated here. */
  functions?: unknown;
  /** What the functions' `handler` paths are relative to; default the current directory. */
  baseDir?: string;
  /**
   * Extra environment of every function (endpoints of the other local services, the credentials its
   * SDK clients sign with: AWS_ACCESS_KEY_ID, …). A function's own `environment` and the variables
   * Lambda sets (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, …) come on top.
   */
  env?: Record<string, string>;
  /** Where functions without `account`/`region` live, and where lambdaClientFor's requests land: default 111122223333 in us-east-1. */
  home?: { account: string; region: string };
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
  /** Where the functions' logs go (START/END/REPORT lines, console output); default process.stdout. */
  output?: (text: string) => void;
}

export interface LocalLambda {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The home Region and account: where lambdaClientFor's requests land. */
  region: string;
  accountId: string;
  identity: IdentityStore;
  /** The functions it holds, with their ARNs and handler files. */
  functions(): FunctionSummary[];
  /** Invocations that ended: function, account, Region, payload, outcome (success|error|timeout), durationMs, … */
  invocations(): InvocationRecord[];
  /** Resolves once no invocation is queued or running (Event invocations run in the background). */
  idle(): Promise<void>;
  calls(): LambdaCall[];
  /** Requests answered: of one operation (`Invoke`, `GetFunctionConfiguration`) or all. */
  countCalls(operation?: string): number;
  /** Closes the server, ends the functions' worker threads. */
  stop(): Promise<void>;
}

/** process.env of a function: the service's extra env, the function's environment, then what Lambda sets itself. */
function environmentOf(built: BuiltFunction, extra: Record<string, string>): Record<string, string> {
  const { spec } = built;
  return {
    ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
    ...extra,
    ...spec.environment,
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    _HANDLER: built.handlerName,
  };
}

/**
 * Starts a local Lambda service; resolves once it listens and every function's handler file is
 * built (each function's worker loads its bundle at the first invocation, a cold start). Throws LambdaFunctionsError for an invalid `functions` block and HandlerBuildError
 * for a handler file that does not exist or does not build (naming the function and the file).
 */
export async function startLocalLambda(options: StartLocalLambdaOptions = {}): Promise<LocalLambda> {
  const identity = options.identity ?? new IdentityStore(defaultIdentity);
  const home = options.home ?? { account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' };
  const specs: LambdaFunctionSpec[] = parseLambdaFunctions(options.functions, home);
  const baseDir = options.baseDir ?? process.cwd();
  const output = options.output ?? ((text: string) => void process.stdout.write(text));
  const built: BuiltFunction[] = [];
  for (const [index, spec] of specs.entries()) built.push(await buildHandler(spec, index, baseDir));
  // Each environment starts at its first invocation (a cold start), as on Lambda: a service most
  // runs never call costs no worker.
  const runtimes = built.map((b) => new FunctionRuntime(b, { env: environmentOf(b, options.env ?? {}), output }));
  const functions = new LocalFunctions(runtimes, identity.now);
  const http = new LocalLambdaHttpServer(identity, functions);
  let port: number;
  try {
    port = await http.listen(options.port ?? 0);
  } catch (error) {
    await functions.stop();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: home.region,
    accountId: home.account,
    identity,
    functions: () => functions.list(),
    invocations: () => functions.invocations(),
    idle: () => functions.idle(),
    calls: () => http.recordedCalls(),
    countCalls: (operation) => http.countCalls('operation', operation),
    async stop() {
      await http.close();
      await functions.stop();
    },
  };
}


/** The ARN of a function of the home account and Region (or of `scope`). */
export function localFunctionArn(local: Pick<LocalLambda, 'region' | 'accountId'>, name: string, scope: { account?: string; region?: string } = {}): string {
  return functionArnOf(scope.region ?? local.region, scope.account ?? local.accountId, name);
}
