// Systems Manager's error answers, JSON 1.1 protocol: HTTP 400 and `{"__type": "<code>", "message":
// "…"}`. The SDK names the error after the `__type` (what follows a `#`, if any), so the codes are
// exactly those of the SSM model (botocore ssm/2014-11-06/service-2.json): the operations' own
// exceptions (AutomationDefinitionNotFoundException, InvalidDocument, …) carry no namespace. A
// model constraint violation (ValidationException) comes from `com.amazon.coral.validate`, and what
// the front refuses before any operation (credentials, an unknown operation, a body that is not
// JSON) from `com.amazon.coral.service`, as for every coral JSON service.
import { jsonAuthErrorCodes, type AuthErrorCode } from '#local/identity/index.ts';

const VALIDATE = 'com.amazon.coral.validate';
const CORAL = 'com.amazon.coral.service';

export class SsmError extends Error {
  override name = 'SsmError';
  constructor(
    /** What the SDK turns into the error's name: `AutomationExecutionNotFoundException`, `InvalidDocument`, … */
    readonly code: string,
    message: string,
    /** None for SSM's own exceptions. */
    readonly namespace: string | undefined = undefined,
    readonly statusCode: number = 400,
  ) {
    super(message);
  }

  /** The `__type` of the error document. */
  get type(): string {
    return this.namespace === undefined ? this.code : `${this.namespace}#${this.code}`;
  }
}

// ---- StartAutomationExecution -----------------------------------------------------------------

export const automationDefinitionNotFound = (name: string) =>
  new SsmError('AutomationDefinitionNotFoundException', `Automation document ${name} was not found in this account and Region`);
export const automationDefinitionVersionNotFound = (name: string, version: string) =>
  new SsmError('AutomationDefinitionVersionNotFoundException', `Automation document ${name} has no version ${version}`);
export const invalidAutomationExecutionParameters = (message: string) => new SsmError('InvalidAutomationExecutionParametersException', message);
export const idempotentParameterMismatch = (token: string) =>
  new SsmError('IdempotentParameterMismatch', `ClientToken ${token} was already used for a StartAutomationExecution request with different arguments (document, version, parameters, mode or tags)`);

// ---- executions -------------------------------------------------------------------------------

export const automationExecutionNotFound = (id: string) => new SsmError('AutomationExecutionNotFoundException', `Automation execution ${id} was not found`);
export const invalidAutomationStatusUpdate = (id: string, status: string) =>
  new SsmError('InvalidAutomationStatusUpdateException', `Automation execution ${id} has already ended with status ${status}: only a running execution can be stopped`);

// ---- DescribeDocument ---------------------------------------------------------------------------

export const invalidDocument = (name: string) => new SsmError('InvalidDocument', `Document with name ${name} does not exist.`);
export const invalidDocumentVersion = (name: string, version: string) => new SsmError('InvalidDocumentVersion', `Document ${name} has no version ${version}`);

// ---- DescribeAutomationExecutions ----------------------------------------------------------------

export const invalidFilterValue = (message: string) => new SsmError('InvalidFilterValue', message);
export const invalidNextToken = () => new SsmError('InvalidNextToken', 'The specified token is not valid.');

// ---- the front ----------------------------------------------------------------------------------

/**
 * Model constraint violations, as coral words them: "1 validation error detected: Value 'x' at
 * 'clientToken' failed to satisfy constraint: Member must have length greater than or equal to 36"
 * (all of them, `; `-separated).
 */
export function validationErrors(violations: string[]): SsmError {
  const count = violations.length === 1 ? '1 validation error detected' : `${violations.length} validation errors detected`;
  return new SsmError('ValidationException', `${count}: ${violations.join('; ')}`, VALIDATE);
}

/** A validation SSM itself makes (not a model constraint): its own wording. */
export const validationException = (message: string) => new SsmError('ValidationException', message);

/** A body that is not a JSON object, or a member of the wrong JSON type. */
export const serializationException = (message: string) => new SsmError('SerializationException', message, CORAL);

export const unknownOperation = (target: string) =>
  new SsmError(
    'UnknownOperationException',
    `Unknown operation ${target || '(no X-Amz-Target)'}: the local SSM service implements StartAutomationExecution, GetAutomationExecution, StopAutomationExecution, DescribeAutomationExecutions and DescribeDocument`,
    CORAL,
  );

export const requestTooLarge = (limit: number) => new SsmError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, CORAL, 413);


/** Credentials refused: the common authentication failures under a JSON-protocol service's names, all 400. */
export const authenticationError = (code: AuthErrorCode, message: string) => new SsmError(jsonAuthErrorCodes[code], message, CORAL);
