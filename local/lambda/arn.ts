// How Lambda's operations name a function: a name (`my-function`), a full ARN
// (`arn:aws:lambda:us-east-1:111122223333:function:my-function`) or a partial one
// (`111122223333:function:my-function`), each with an optional `:qualifier` (a version or alias;
// `$LATEST`). The pattern is the Lambda model's for Invoke's FunctionName (NamespacedFunctionName).

/** botocore lambda/2015-03-31 `NamespacedFunctionName`, 1-170 characters. */
export const FUNCTION_NAME_PATTERN = '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const PATTERN = new RegExp(`^(?:arn:(aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\\d{1}):)?(?:(\\d{12}):)?(?:function:)?([a-zA-Z0-9-_.]+)(?::(\\$LATEST|[a-zA-Z0-9-_]+))?$`);

export interface FunctionRef {
  name: string;
  /** Named by a (partial) ARN. */
  account?: string;
  region?: string;
  qualifier?: string;
}

/** The parts of a FunctionName, or undefined when it does not match the model's pattern. */
export function parseFunctionName(functionName: string): FunctionRef | undefined {
  if (functionName.length < 1 || functionName.length > 170) return undefined;
  const match = PATTERN.exec(functionName);
  if (!match) return undefined;
  const [, , region, account, name, qualifier] = match;
  return { name: name!, ...(account ? { account } : {}), ...(region ? { region } : {}), ...(qualifier ? { qualifier } : {}) };
}

export function functionArnOf(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}
