// An error answer of an AWS query-protocol service (STS, CloudFormation): an <ErrorResponse> whose
// <Error> holds Type (Sender for the caller's faults, Receiver for the service's), Code and
// Message. The SDKs name the error after <Code> (`loadQueryErrorCode`), so each service's codes
// are its own; what a code means lives with the service.
export class QueryProtocolError extends Error {
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
