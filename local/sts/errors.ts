// STS error responses, AWS query protocol: an <ErrorResponse> whose <Error> holds Type (Sender
// for the caller's faults, Receiver for ours), Code and Message, then the RequestId. The SDK
// takes the error's name from <Code> (client-sts 3.523.0 `loadQueryErrorCode`), so the codes are
// exactly AWS's: AccessDenied, ValidationError, InvalidClientTokenId, SignatureDoesNotMatch,
// ExpiredToken, IncompleteSignature, MissingAuthenticationToken, InvalidAction.
// Shapes and statuses as real STS answers them, e.g. the 403 InvalidClientTokenId body in
// aws-azure-login/aws-azure-login#251 and the AccessDenied body in Netflix/security_monkey#77.
import { QueryProtocolError } from '#local/http/query-error.ts';

export class StsError extends QueryProtocolError {
  override name = 'StsError';
}

/** AWS's wording for a caller a role's trust policy does not admit (or an unknown role). */
export function accessDenied(callerArn: string, roleArn: string): StsError {
  return new StsError('AccessDenied', 403, `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

/**
 * Model constraint violations, worded as STS words them: "2 validation errors detected: Value
 * 'a:b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression
 * pattern: [\w+=,.@-]*; …" (e.g. zalando-stups/aws-credentials-service#7, getmoto/moto#9218).
 */
export function validationErrors(violations: string[]): StsError {
  const count = violations.length === 1 ? '1 validation error detected' : `${violations.length} validation errors detected`;
  return new StsError('ValidationError', 400, `${count}: ${violations.join('; ')}`);
}

/** A ValidationError with a message of its own (duration limits). */
export function validationError(message: string): StsError {
  return new StsError('ValidationError', 400, message);
}
