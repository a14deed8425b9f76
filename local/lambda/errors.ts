// Lambda's error answers, REST-JSON protocol: an HTTP status of the error's own, the error's name
// in the `x-amzn-ErrorType` header and a JSON body `{"Type": "User", "Message": "…"}` (the members
// of the Lambda model's exceptions: Type, Message). The SDK (`loadRestJsonErrorCode` in
// @smithy/core) names the error after the header first, then the body's `code`, then `__type`,
// and takes the message from `message` or `Message`; so the codes are exactly those of the Lambda
// model (botocore lambda/2015-03-31/service-2.json) and the common AWS errors.
import { jsonAuthErrorCodes, type AuthErrorCode } from '#local/identity/index.ts';

export class LambdaError extends Error {
  override name = 'LambdaError';
  constructor(
    /** What the SDK turns into the error's name: `ResourceNotFoundException`, … */
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** `User` for the caller's faults, `Service` for Lambda's own. */
    readonly type: 'User' | 'Service' = statusCode >= 500 ? 'Service' : 'User',
  ) {
    super(message);
  }

  /** The JSON error document of the body. */
  document(): { Type: string; Message: string } {
    return { Type: this.type, Message: this.message };
  }
}

/** `Function not found: arn:aws:lambda:us-east-1:111122223333:function:name` (with `:qualifier` when one was asked for). */
export const functionNotFound = (arn: string) => new LambdaError('ResourceNotFoundException', 404, `Function not found: ${arn}`);

/** A body that is not JSON: Lambda's wording, then the parser's. */
export const invalidRequestContent = (detail: string) =>
  new LambdaError('InvalidRequestContentException', 400, `Could not parse request body into json: Could not parse payload into json: ${detail}`);

/** A payload over the invocation type's limit (6 MB synchronous, 256 KB Event; Lambda's quotas). */
export const requestTooLarge = (limit: number) => new LambdaError('RequestTooLargeException', 413, `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);

export const invalidParameterValue = (message: string) => new LambdaError('InvalidParameterValueException', 400, message);

/**
 * Model constraint violations, as coral words them: "1 validation error detected: Value 'Later' at
 * 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: […]".
 */
export function validationErrors(violations: string[]): LambdaError {
  const count = violations.length === 1 ? '1 validation error detected' : `${violations.length} validation errors detected`;
  return new LambdaError('ValidationException', 400, `${count}: ${violations.join('; ')}`);
}

/** A function of another account, named by its ARN: IAM refuses it before Lambda looks (no resource-based policies locally). */
export const accessDenied = (callerArn: string, action: string, resource: string) =>
  new LambdaError('AccessDeniedException', 403, `User: ${callerArn} is not authorized to perform: lambda:${action} on resource: ${resource} because no resource-based policy allows the lambda:${action} action`);

export const unknownOperation = (method: string, path: string) =>
  new LambdaError('UnknownOperationException', 404, `Unknown operation ${method} ${path}: the local Lambda service implements Invoke (POST /2015-03-31/functions/{FunctionName}/invocations) and GetFunctionConfiguration (GET /2015-03-31/functions/{FunctionName}/configuration)`);


/**
 * Credentials refused: Lambda answers the common authentication failures under the JSON services'
 * names (UnrecognizedClientException, InvalidSignatureException, …) with the status IAM's front
 * gives them: 403, but 400 for a malformed Authorization header.
 */
export const authenticationError = (code: AuthErrorCode, status: number, message: string) => new LambdaError(jsonAuthErrorCodes[code], status, message);
