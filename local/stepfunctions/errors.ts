// Step Functions' error answers, JSON 1.0 protocol: HTTP 400 and `{"__type": "<namespace>#<code>",
// "message": "…"}`. The SDK names the error after what follows the `#`, so the codes are exactly
// those of the Step Functions model (botocore stepfunctions/2016-11-23/service-2.json). The
// namespaces are AWS's own: the service's exceptions come from
// `com.amazonaws.swf.service.v2.model`, a model constraint violation (ValidationException) from
// `com.amazon.coral.validate`, and what the front refuses before any operation (credentials, an
// unknown operation, a body that is not JSON) from `com.amazon.coral.service`, as in real answers
// quoted by SDK tests and emulators measured against AWS.
import { jsonAuthErrorCodes, type AuthErrorCode } from '#local/identity/index.ts';

const SERVICE = 'com.amazonaws.swf.service.v2.model';
const VALIDATE = 'com.amazon.coral.validate';
const CORAL = 'com.amazon.coral.service';

export class SfnError extends Error {
  override name = 'SfnError';
  constructor(
    /** What the SDK turns into the error's name: `ExecutionDoesNotExist`, `InvalidArn`, … */
    readonly code: string,
    message: string,
    readonly namespace: string = SERVICE,
    readonly statusCode: number = 400,
  ) {
    super(message);
  }

  /** The `__type` of the error document. */
  get type(): string {
    return `${this.namespace}#${this.code}`;
  }
}

export const executionDoesNotExist = (arn: string) => new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
export const executionAlreadyExists = (arn: string) => new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
export const stateMachineDoesNotExist = (arn: string) => new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
export const invalidName = (name: string) => new SfnError('InvalidName', `Invalid Name: '${name}'`);
export const invalidToken = () => new SfnError('InvalidToken', "Invalid Token: 'Invalid token'");
export const resourceNotFound = (arn: string) => new SfnError('ResourceNotFound', `Resource not found: '${arn}'`);

/** Not an ARN at all (AWS's answer to `not-an-arn`). */
export const invalidArnPrefix = (arn: string) => new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
/** An ARN of another resource type than the operation takes, e.g. a state machine's to DescribeExecution. */
export const invalidArnResourceType = (type: string) => new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${type}'`);
/** A states ARN whose parts are malformed. */
export const invalidArn = (arn: string) => new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);

/**
 * Model constraint violations, as coral words them: "1 validation error detected: Value '1001' at
 * 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
 * (all of them, `; `-separated).
 */
export function validationErrors(violations: string[]): SfnError {
  const count = violations.length === 1 ? '1 validation error detected' : `${violations.length} validation errors detected`;
  return new SfnError('ValidationException', `${count}: ${violations.join('; ')}`, VALIDATE);
}

/** A validation the service itself makes (not a model constraint): its own wording. */
export const validationException = (message: string) => new SfnError('ValidationException', message);

/** A body that is not a JSON object, or a member of the wrong JSON type. */
export const serializationException = (message: string) => new SfnError('SerializationException', message, CORAL);

export const unknownOperation = (target: string) =>
  new SfnError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}: the local Step Functions service implements DescribeExecution, ListExecutions, StopExecution, SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat`, CORAL);

export const requestTooLarge = (limit: number) => new SfnError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, CORAL, 413);


/**
 * Credentials refused: the common authentication failures under a JSON-protocol service's names,
 * all with status 400 (not 403 as STS does).
 */
export const authenticationError = (code: AuthErrorCode, message: string) => new SfnError(jsonAuthErrorCodes[code], message, CORAL);
