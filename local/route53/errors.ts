// Route 53 error responses (REST-XML, API version 2013-04-01): an <ErrorResponse> whose <Error>
// holds Type (Sender for the caller's faults, Receiver for the service's), Code and Message, then
// the RequestId, as Route 53 sends them, e.g. the body quoted in boto/boto#2887:
// <ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>
// <Code>InvalidChangeBatch</Code><Message>Tried to delete resource record set [name='k.example.net.',
// type='A'] but it was not found</Message></Error><RequestId>…</RequestId></ErrorResponse>.
// The SDK names the error after <Code> (client-route-53 3.1169.0, AwsRestXmlProtocol
// `loadRestXmlErrorCode`), the same document as the query protocol's: one error class for both.
import { QueryProtocolError } from '#local/http/query-error.ts';

export class Route53Error extends QueryProtocolError {
  override name = 'Route53Error';
}

/** A hosted zone ID the caller's account has no zone for (another account's zone included). */
export function noSuchHostedZone(id: string): Route53Error {
  return new Route53Error('NoSuchHostedZone', 404, `No hosted zone found with ID: ${id}`);
}

/** GetChange of an ID no change of the caller's account has. */
export function noSuchChange(id: string): Route53Error {
  return new Route53Error('NoSuchChange', 404, `A change with the specified change ID does not exist: ${id}`);
}

/**
 * A change batch Route 53 refuses as a whole (nothing is applied). With several problems Route 53
 * lists them in one message, bracketed and comma-separated: `[Tried to create resource record set
 * [name='x.', type='A'] but it already exists]` (hashicorp/terraform-provider-aws logs).
 */
export function invalidChangeBatch(problems: string[]): Route53Error {
  return new Route53Error('InvalidChangeBatch', 400, `[${problems.join(', ')}]`);
}

/** A request that fails the model's constraints (a missing member, an unknown enum value). */
export function invalidInput(message: string): Route53Error {
  return new Route53Error('InvalidInput', 400, message);
}
