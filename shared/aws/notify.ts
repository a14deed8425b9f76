// The operators' SNS topic (OPERATOR_TOPIC_ARN: the stack's OperatorAlertsTopic), in the home
// Region; SNS_ENDPOINT points it at the local SNS service. Only the approval gate loads it.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv, requiredEnv } from '#shared/config.ts';
import { traced } from '#shared/powertools.ts';

const sns = traced(new SNSClient({ region: homeRegion, endpoint: optionalEnv('SNS_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));
const topicArn = requiredEnv('OPERATOR_TOPIC_ARN');

/** Publishes to the operators' topic; resolves with the message ID. */
export async function notifyOperators(subject: string, message: string, attributes: Record<string, string>): Promise<string> {
  const answer = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: subject,
      Message: message,
      MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
    }),
  );
  return answer.MessageId ?? '';
}
