// The two operations of the local Lambda service, as the Lambda API reference and model
// (botocore lambda/2015-03-31) describe them: Invoke (the payload to the handler, its result or
// its error back) and GetFunctionConfiguration. Whose function: the caller's account and the
// Region of its signature; a function of another account named by its ARN is refused as IAM
// refuses it (AccessDeniedException: no resource-based policy grants it locally).
import { functionArnOf, FUNCTION_NAME_PATTERN, parseFunctionName } from './arn.ts';
import { accessDenied, functionNotFound, invalidParameterValue, invalidRequestContent, requestTooLarge, validationErrors } from './errors.ts';
import type { LocalFunctions } from './functions.ts';
import type { FunctionRuntime } from './host.ts';

export interface Caller {
  account: string;
  region: string;
  /** The caller's ARN, as an AccessDeniedException names it. */
  arn: string;
}

export interface LambdaResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or empty. */
  body: string;
}

/** Lambda's payload quotas: 6 MB for a synchronous request and response, 1 MB for an Event invocation's. */
export const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
export const EVENT_PAYLOAD_LIMIT_BYTES = 1024 * 1024;
/** X-Amz-Log-Result: the last 4 KB of the invocation's log. */
const LOG_TAIL_BYTES = 4 * 1024;

const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun'] as const;
const LOG_TYPES = ['None', 'Tail'] as const;
const QUALIFIER = /^(|[a-zA-Z0-9$_-]+)$/;

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The function a request names, in the caller's account and Region. Throws what Lambda answers:
 * ValidationException (not a function name), InvalidParameterValueException (two different
 * qualifiers), AccessDeniedException (another account's ARN), ResourceNotFoundException.
 */
export function resolveFunction(functions: LocalFunctions, caller: Caller, functionName: string, qualifierParameter: string | null, action: string): { runtime: FunctionRuntime; qualifier?: string } {
  const violations: string[] = [];
  const ref = parseFunctionName(functionName);
  if (!ref) violations.push(`Value '${functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  if (qualifierParameter !== null && (qualifierParameter.length > 128 || !QUALIFIER.test(qualifierParameter))) {
    violations.push(`Value '${qualifierParameter}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`);
  }
  if (violations.length > 0 || !ref) throw validationErrors(violations);
  const fromParameter = qualifierParameter || undefined;
  if (ref.qualifier !== undefined && fromParameter !== undefined && ref.qualifier !== fromParameter) {
    throw invalidParameterValue('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const qualifier = ref.qualifier ?? fromParameter;
  const account = ref.account ?? caller.account;
  const region = ref.region ?? caller.region;
  const arn = functionArnOf(region, account, ref.name, qualifier);
  if (account !== caller.account) throw accessDenied(caller.arn, action, arn);
  const runtime = region === caller.region ? functions.find(account, region, ref.name) : undefined;
  // No versions or aliases are published locally: only $LATEST (or no qualifier) names a function.
  if (!runtime || (qualifier !== undefined && qualifier !== '$LATEST')) throw functionNotFound(arn);
  return { runtime, ...(qualifier ? { qualifier } : {}) };
}

export interface InvokeRequest {
  functionName: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  requestId: string;
}

/** Invoke: 200 with the result (or the function's error), 202 for Event, 204 for DryRun. */
export async function invoke(functions: LocalFunctions, caller: Caller, request: InvokeRequest): Promise<LambdaResponse> {
  const invocationType = header(request.headers, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(request.headers, 'x-amz-log-type') ?? 'None';
  const violations: string[] = [];
  if (!(INVOCATION_TYPES as readonly string[]).includes(invocationType)) {
    violations.push(`Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`);
  }
  if (!(LOG_TYPES as readonly string[]).includes(logType)) violations.push(`Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [${LOG_TYPES.join(', ')}]`);
  if (violations.length > 0) throw validationErrors(violations);

  const { runtime } = resolveFunction(functions, caller, request.functionName, request.query.get('Qualifier'), 'InvokeFunction');
  if (invocationType === 'Event' && request.body.length > EVENT_PAYLOAD_LIMIT_BYTES) throw requestTooLarge(EVENT_PAYLOAD_LIMIT_BYTES);
  // An empty payload is the event `{}`, as Lambda gives a function invoked without one.
  const eventJson = request.body.length === 0 ? '{}' : request.body.toString('utf8');
  try {
    JSON.parse(eventJson);
  } catch (error) {
    throw invalidRequestContent((error as Error).message);
  }

  if (invocationType === 'DryRun') return { status: 204, headers: {}, body: '' };
  if (invocationType === 'Event') {
    // Queued and run in the background; its outcome is recorded, not retried (Lambda retries twice).
    void functions.invoke(runtime, { requestId: request.requestId, eventJson, invocationType: 'Event' }).catch(() => {});
    return { status: 202, headers: {}, body: '' };
  }

  const result = await functions.invoke(runtime, { requestId: request.requestId, eventJson, invocationType: 'RequestResponse' });
  const headers: Record<string, string> = { 'x-amz-executed-version': '$LATEST' };
  if (logType === 'Tail') headers['x-amz-log-result'] = Buffer.from(result.log, 'utf8').subarray(-LOG_TAIL_BYTES).toString('base64');
  let body = result.payload;
  if (result.outcome !== 'success') headers['x-amz-function-error'] = 'Unhandled';
  else if (Buffer.byteLength(body) > SYNC_PAYLOAD_LIMIT_BYTES) {
    // The Node.js runtime's answer to a result over the 6 MB response quota.
    headers['x-amz-function-error'] = 'Unhandled';
    body = JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${SYNC_PAYLOAD_LIMIT_BYTES} bytes).` });
  }
  return { status: 200, headers, body };
}

/** GetFunctionConfiguration: the function's settings as Lambda reports those of a nodejs22.x zip function. */
export function getFunctionConfiguration(functions: LocalFunctions, caller: Caller, functionName: string, query: URLSearchParams): LambdaResponse {
  const { runtime, qualifier } = resolveFunction(functions, caller, functionName, query.get('Qualifier'), 'GetFunctionConfiguration');
  const { spec, handlerName, codeSize, codeSha256, lastModified } = runtime.built;
  const configuration = {
    FunctionName: spec.name,
    FunctionArn: functionArnOf(spec.region, spec.account, spec.name, qualifier),
    Runtime: 'nodejs22.x',
    Role: `arn:aws:iam::${spec.account}:role/service-role/${spec.name}-role`,
    Handler: handlerName,
    CodeSize: codeSize,
    Description: spec.description,
    Timeout: spec.timeoutSeconds,
    MemorySize: spec.memorySize,
    LastModified: lastModified,
    CodeSha256: codeSha256,
    Version: '$LATEST',
    ...(Object.keys(spec.environment).length > 0 ? { Environment: { Variables: spec.environment } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: runtime.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${spec.name}` },
  };
  return { status: 200, headers: {}, body: JSON.stringify(configuration) };
}
