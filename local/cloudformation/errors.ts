// CloudFormation error responses, AWS query protocol: an <ErrorResponse> whose <Error> holds Type
// (Sender for the caller's faults, Receiver for the service's), Code and Message, then the
// RequestId. The SDK names the error after <Code> (client-cloudformation 3.523.0
// `loadQueryErrorCode`), so the codes are CloudFormation's own: a stack that does not exist is
// `ValidationError` with status 400, e.g. the body quoted in boto/boto3#2807:
// <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id foo does not exist</Message></Error>.

export class CloudFormationError extends Error {
  override name = 'CloudFormationError';
  constructor(
    /** The `<Code>` the SDK turns into the error's name. */
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }

  get type(): 'Sender' | 'Receiver' {
    return this.statusCode >= 500 ? 'Receiver' : 'Sender';
  }
}

/** A request CloudFormation refuses as invalid: its code for a missing stack and for a stack in the wrong state alike. */
export function validationError(message: string): CloudFormationError {
  return new CloudFormationError('ValidationError', 400, message);
}

/** DescribeStacks of a name or ID no stack has (a deleted stack by its name included). */
export function stackDoesNotExist(nameOrId: string): CloudFormationError {
  return validationError(`Stack with id ${nameOrId} does not exist`);
}
