// The topics the local SNS service knows, by account and Region, and the messages published to
// them. Nothing is delivered: there are no subscriptions; the published messages are kept for the
// run (and its tests) to read.
import { TOPIC_NAME, type ParsedSnsScenario } from './scenario.ts';

export interface TopicScope {
  account: string;
  region: string;
}

export interface Topic extends TopicScope {
  arn: string;
  name: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
}

export interface PublishedMessage {
  topicArn: string;
  messageId: string;
  /** FIFO topics: the sequence number SNS answered with. */
  sequenceNumber?: string;
  subject?: string;
  message: string;
  messageStructure?: string;
  /** MessageAttributes by name: DataType and StringValue (or BinaryValue, base64 as sent). */
  attributes: Record<string, { dataType: string; stringValue?: string; binaryValue?: string }>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  /** The account and Region of the topic (the caller's). */
  account: string;
  region: string;
  /** The caller's ARN. */
  caller: string;
  at: string;
}

export function topicArnOf(scope: TopicScope, name: string): string {
  return `arn:aws:sns:${scope.region}:${scope.account}:${name}`;
}

/** `arn:aws:sns:<region>:<account>:<name>` split, or undefined for anything else. */
export function parseTopicArn(arn: string): (TopicScope & { name: string }) | undefined {
  const match = /^arn:aws:sns:([a-z0-9-]+):(\d{12}):([^:/]+)$/.exec(arn);
  if (!match || !TOPIC_NAME.test(match[3]!)) return undefined;
  return { region: match[1]!, account: match[2]!, name: match[3]! };
}

const MAX_PUBLISHED = 10_000;

export class SnsTopics {
  private readonly topics = new Map<string, Topic>();
  private messages: PublishedMessage[] = [];
  private sequence = 10_000_000_000_000_000_000n;

  constructor(scenario: ParsedSnsScenario, home: TopicScope, topicArns: string[] = []) {
    for (const topic of scenario.topics) {
      this.add({ account: topic.account ?? home.account, region: topic.region ?? home.region }, topic.name, topic.contentBasedDeduplication ?? false);
    }
    for (const arn of topicArns) {
      const parsed = parseTopicArn(arn);
      if (!parsed) throw new Error(`${arn} is not a topic ARN (arn:aws:sns:<region>:<account>:<name>)`);
      this.add(parsed, parsed.name, false);
    }
  }

  /** Declares a topic (idempotent, as CreateTopic is); returns it. */
  add(scope: TopicScope, name: string, contentBasedDeduplication: boolean): Topic {
    const arn = topicArnOf(scope, name);
    const existing = this.topics.get(arn);
    if (existing) return existing;
    const topic: Topic = { arn, name, account: scope.account, region: scope.region, fifo: name.endsWith('.fifo'), contentBasedDeduplication };
    this.topics.set(arn, topic);
    return topic;
  }

  get(arn: string): Topic | undefined {
    return this.topics.get(arn);
  }

  /** The topics of an account in a Region, in the order declared. */
  list(scope: TopicScope): Topic[] {
    return [...this.topics.values()].filter((topic) => topic.account === scope.account && topic.region === scope.region);
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  /** FIFO topics answer a sequence number that only grows (a 20-digit decimal string, as SNS's). */
  nextSequenceNumber(): string {
    this.sequence += 1n;
    return this.sequence.toString();
  }

  record(message: PublishedMessage): void {
    this.messages.push(message);
    if (this.messages.length > MAX_PUBLISHED) this.messages = this.messages.slice(-MAX_PUBLISHED / 2);
  }

  published(topicArn?: string): PublishedMessage[] {
    return structuredClone(topicArn === undefined ? this.messages : this.messages.filter((message) => message.topicArn === topicArn));
  }
}
