// What a scenario says about SNS (its `sns:` block): the topics that exist before the run, e.g.
// the operators' alert topic the approval gate publishes to. One strict zod schema: an unknown key
// is an error naming the field, as in every other part of a scenario.
import { z } from 'zod';

/** SNS's topic name rule (CreateTopic: 1-256 letters, digits, underscores and hyphens; a FIFO topic's ends in `.fifo`). */
export const TOPIC_NAME = /^(?:[A-Za-z0-9_-]{1,256}|[A-Za-z0-9_-]{1,251}\.fifo)$/;
const topicName = z.string().regex(TOPIC_NAME, 'a topic name is 1-256 letters, digits, underscores and hyphens (a FIFO topic\'s ends in .fifo)');
const accountId = z.string({ error: 'an account ID is a 12-digit string (quote it in YAML: "111122223333")' }).regex(/^\d{12}$/, 'an account ID is 12 digits');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region looks like us-east-1');

const topicSchema = z
  .strictObject({
    name: topicName,
    /** Default: the account the service was started for. */
    account: accountId.optional(),
    /** Default: the Region the service was started for. */
    region: region.optional(),
    /** FIFO topics only: deduplicate on the message body when a Publish gives no MessageDeduplicationId. */
    contentBasedDeduplication: z.boolean().optional(),
  })
  .refine((topic) => topic.contentBasedDeduplication === undefined || topic.name.endsWith('.fifo'), {
    message: 'contentBasedDeduplication is for FIFO topics (names ending in .fifo)',
    path: ['contentBasedDeduplication'],
  });

export const snsScenarioSchema = z.strictObject({ topics: z.array(topicSchema).default([]) }).prefault({});

export type SnsScenario = z.input<typeof snsScenarioSchema>;
export type ParsedSnsScenario = z.output<typeof snsScenarioSchema>;

export class SnsScenarioError extends Error {
  override name = 'SnsScenarioError';
}

/** Validates an `sns:` block; the message names each wrong field (`sns.topics.0.name: …`). */
export function parseSnsScenario(block: unknown, source = 'sns'): ParsedSnsScenario {
  const result = snsScenarioSchema.safeParse(block ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${[source, ...issue.path].join('.')}: ${issue.message}`);
  throw new SnsScenarioError(`invalid ${source}:\n- ${lines.join('\n- ')}`);
}
