// What a scenario says about Lambda (its `lambda:` block): the functions that exist, each mapped to
// a local handler file (TypeScript or JavaScript exporting `handler`), with Lambda's own settings
// (timeout, environment) and where it lives (account, Region). One strict zod schema: an unknown
// key is an error naming the field, as in every other part of a scenario.
import { z } from 'zod';
import { DEFAULT_ACCOUNT_ID } from '#local/identity/index.ts';

/** Lambda's function name rule (CreateFunction: FunctionName, 1-64 letters, digits, hyphens, underscores). */
export const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
/** Lambda's timeout bounds: 1 second to 15 minutes; 3 seconds when none is given (CreateFunction's default). */
export const MAX_TIMEOUT_SECONDS = 900;
export const DEFAULT_TIMEOUT_SECONDS = 3;

/**
 * The variables Lambda sets itself and refuses in a function's Environment ("Lambda was unable to
 * configure your environment variables because the environment variables you have provided contains
 * reserved keys": AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, … — the Lambda developer guide's list of
 * reserved environment variables).
 */
export const RESERVED_ENVIRONMENT_KEYS = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

const accountId = z.string({ error: 'an account ID is a 12-digit string (quote it in YAML: "111122223333")' }).regex(/^\d{12}$/, 'an account ID is 12 digits');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region looks like us-east-1');

const functionSchema = z.strictObject({
  name: z.string({ error: 'a function needs a name (1-64 letters, digits, hyphens, underscores)' }).regex(FUNCTION_NAME, 'a function name is 1-64 letters, digits, hyphens and underscores'),
  /** The handler file, relative to the service's `baseDir`: a .ts/.mts/.js/.mjs file exporting `handler`. */
  handler: z
    .string({ error: 'a function needs a handler: the path of a TypeScript or JavaScript file exporting `handler`, relative to baseDir' })
    .min(1, 'a function needs a handler: the path of a TypeScript or JavaScript file exporting `handler`, relative to baseDir'),
  /** Where the function lives; default the service's home account and Region. */
  account: accountId.optional(),
  region: region.optional(),
  timeoutSeconds: z
    .number()
    .int('timeoutSeconds is a whole number of seconds')
    .min(1, 'timeoutSeconds is at least 1')
    .max(MAX_TIMEOUT_SECONDS, `timeoutSeconds is at most ${MAX_TIMEOUT_SECONDS} (Lambda's 15 minutes)`)
    .default(DEFAULT_TIMEOUT_SECONDS),
  /** MemorySize as GetFunctionConfiguration reports it (nothing is limited locally): 128-10240 MB, default 128. */
  memorySize: z.number().int().min(128, 'memorySize is at least 128 (MB)').max(10_240, 'memorySize is at most 10240 (MB)').default(128),
  description: z.string().max(256).default(''),
  environment: z
    .record(z.string().regex(/^[a-zA-Z]([a-zA-Z0-9_])+$/, 'an environment variable name is a letter then letters, digits and underscores'), z.string({ error: 'an environment value is a string (quote numbers and booleans in YAML)' }))
    .default({})
    .superRefine((environment, context) => {
      for (const key of Object.keys(environment)) {
        if ((RESERVED_ENVIRONMENT_KEYS as readonly string[]).includes(key)) {
          context.addIssue({ code: 'custom', path: [key], message: `${key} is reserved: Lambda sets it itself (remove it from environment)` });
        }
      }
    }),
});

export const lambdaFunctionsSchema = z
  .strictObject({
    functions: z.array(functionSchema).default([]),
  })
  .prefault({});

export type LambdaFunctionsBlock = z.input<typeof lambdaFunctionsSchema>;
export type LambdaFunctionDeclaration = z.input<typeof functionSchema>;
export type ParsedLambdaFunction = z.output<typeof functionSchema>;

/** A function with its placement resolved (the home account and Region when it names none). */
export interface LambdaFunctionSpec extends Omit<ParsedLambdaFunction, 'account' | 'region'> {
  account: string;
  region: string;
}

export class LambdaFunctionsError extends Error {
  override name = 'LambdaFunctionsError';
}

const HINT = 'each function is { name, handler, account?, region?, timeoutSeconds?, memorySize?, description?, environment? }';

/**
 * Validates a `lambda:` block (`{ functions: [...] }`), or its `functions` list alone; the message
 * names each wrong field (`lambda.functions.0.timeoutSeconds: …`). Functions without `account` or
 * `region` are placed in `home` (default 111122223333, us-east-1); two functions of one name in one account and Region are refused.
 */
export function parseLambdaFunctions(block: unknown, home: { account: string; region: string } = { account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' }, source = 'lambda'): LambdaFunctionSpec[] {
  const wrapped = Array.isArray(block) ? { functions: block } : block;
  const result = lambdaFunctionsSchema.safeParse(wrapped ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const where = [source, ...issue.path].join('.');
      const message = issue.code === 'unrecognized_keys' ? `${issue.message} (${HINT}; remove or rename ${issue.keys.map((key) => `'${key}'`).join(', ')})` : issue.message;
      return `${where}: ${message}`;
    });
    throw new LambdaFunctionsError(`invalid ${source}:\n- ${lines.join('\n- ')}`);
  }
  const specs = result.data.functions.map((declared): LambdaFunctionSpec => ({ ...declared, account: declared.account ?? home.account, region: declared.region ?? home.region }));
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  specs.forEach((spec, index) => {
    const key = `${spec.account}/${spec.region}/${spec.name}`;
    const first = seen.get(key);
    if (first !== undefined) duplicates.push(`${source}.functions.${index}.name: '${spec.name}' is already declared by ${source}.functions.${first} in account ${spec.account}, ${spec.region} (a function name is unique in its account and Region)`);
    else seen.set(key, index);
  });
  if (duplicates.length > 0) throw new LambdaFunctionsError(`invalid ${source}:\n- ${duplicates.join('\n- ')}`);
  return specs;
}
