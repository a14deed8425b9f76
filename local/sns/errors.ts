// SNS error responses, AWS query protocol: an <ErrorResponse> whose <Error> holds Type (Sender for
// the caller's faults, Receiver for ours), Code and Message, then the RequestId. The SDK names the
// error after <Code> through the client's registry (client-sns 3.1169.0: `AuthorizationError` →
// AuthorizationErrorException 403, `InvalidParameter` → InvalidParameterException 400, `NotFound`
// → NotFoundException 404), so the codes are exactly SNS's. The message texts are SNS's as real
// answers quote them: "Invalid parameter: Subject" (wellcomecollection/platform#1107), "Invalid
// parameter: TopicArn" (mozilla/security#8, a topic of another Region), "Invalid parameter:
// TopicArn or TargetArn Reason: no value for required parameter" (sul-dlss/dlme#432), "… Reason:
// An ARN must have at least 6 elements, not 1" (aws-samples/amazon-rekognition-video-analyzer#41),
// "Message Structure - No default entry in JSON message body" (aws/aws-sdk-ruby#346), and the
// AuthorizationError wording of IAM denials (aws-ia/terraform-aws-control_tower_account_factory#151).
import { QueryProtocolError } from '#local/http/query-error.ts';

export class SnsError extends QueryProtocolError {
  override name = 'SnsError';
}

/** `InvalidParameter` (400): SNS prefixes every text with "Invalid parameter: ". */
export function invalidParameter(detail: string): SnsError {
  return new SnsError('InvalidParameter', 400, `Invalid parameter: ${detail}`);
}

/** `NotFound` (404): a topic the caller's account does not have in that Region. */
export function topicNotFound(): SnsError {
  return new SnsError('NotFound', 404, 'Topic does not exist');
}

/** `AuthorizationError` (403): a topic of another account, whose policy (not modelled) admits no one else. */
export function authorizationError(callerArn: string, action: string, resource: string): SnsError {
  return new SnsError('AuthorizationError', 403, `User: ${callerArn} is not authorized to perform: SNS:${action} on resource: ${resource} because no resource-based policy allows the SNS:${action} action`);
}

/**
 * A required member left out: the request's model validation, worded as AWS's Coral services word
 * it (`1 validation error detected: Value null at 'message' failed to satisfy constraint: Member
 * must not be null`), code `ValidationError` as SNS's query front answers it.
 */
export function missingMember(member: string): SnsError {
  return new SnsError('ValidationError', 400, `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
}
