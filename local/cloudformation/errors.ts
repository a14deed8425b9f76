// CloudFormation error responses, AWS query protocol: an <ErrorResponse> whose <Error> holds Type
// (Sender for the caller's faults, Receiver for the service's), Code and Message, then the
// RequestId. The SDK names the error after <Code> (client-cloudformation 3.523.0
// `loadQueryErrorCode`), so the codes are CloudFormation's own: a stack that does not exist is
// `ValidationError` with status 400, e.g. the body quoted in boto/boto3#2807:
// <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id foo does not exist</Message></Error>.
import { QueryProtocolError } from '#local/http/query-error.ts';

export class CloudFormationError extends QueryProtocolError {
  override name = 'CloudFormationError';
}

/** A request CloudFormation refuses as invalid: its code for a missing stack and for a stack in the wrong state alike. */
export function validationError(message: string): CloudFormationError {
  return new CloudFormationError('ValidationError', 400, message);
}

/** DescribeStacks of a name or ID no stack has (a deleted stack by its name included). */
export function stackDoesNotExist(nameOrId: string): CloudFormationError {
  return validationError(`Stack with id ${nameOrId} does not exist`);
}
