// Programmatic entry point of the local SNS service: start it on a port (0 = ephemeral) over an
// identity store (shared with the other local services, so the same credentials work there) and
// the topics a scenario declares, point the unmodified @aws-sdk/client-sns at it, read what was
// published, stop it. Nothing is delivered: the published messages are the record.
import { DEFAULT_ACCOUNT_ID, defaultCredentials, defaultIdentity, IdentityStore } from '#local/identity/index.ts';
import { parseSnsScenario, type SnsScenario } from './scenario.ts';
import { LocalSnsHttpServer, type SnsCall } from './server.ts';
import { SnsTopics, type PublishedMessage, type Topic, type TopicScope } from './topics.ts';

export { parseSnsScenario, SnsScenarioError, snsScenarioSchema, type SnsScenario, type ParsedSnsScenario } from './scenario.ts';
export { SnsError } from './errors.ts';
export { parseTopicArn, topicArnOf, type PublishedMessage, type Topic, type TopicScope } from './topics.ts';
export type { SnsCall };

export interface StartLocalSnsOptions {
  /** The identity world requests are authenticated against (share the local DRS service's); default: the default world. */
  identity?: IdentityStore;
  /** The scenario's `sns:` block (`topics: [{ name, account?, region?, contentBasedDeduplication? }]`); validated here. */
  scenario?: SnsScenario | unknown;
  /** Topic ARNs that exist besides the scenario's (the topic a runner configures the orchestrator with). */
  topics?: string[];
  /** Where scenario topics without `account`/`region` live, and where snsClientFor's requests land: default 111122223333 in us-east-1. */
  home?: TopicScope;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
  /** The clock published messages are stamped with (a simulated one in a local run); default the identity store's. Signatures are always checked against the identity store's clock. */
  now?: () => Date;
}

export interface LocalSns {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The home Region: what snsClientFor configures. Every Region is answered (the credential scope's). */
  region: string;
  /** The home account. */
  accountId: string;
  identity: IdentityStore;
  /** The topics that exist, in every account and Region. */
  topics(): Topic[];
  /** The messages published, oldest first: to one topic, or all. */
  published(topicArn?: string): PublishedMessage[];
  /** Calls answered so far: action, caller, account, Region, topic, status, error code. */
  calls(): SnsCall[];
  /** Requests answered: of one action (e.g. `Publish`) or all. */
  countCalls(action?: string): number;
  stop(): Promise<void>;
}

/** Starts a local SNS service; resolves once it listens. Stop it with `stop()`. */
export async function startLocalSns(options: StartLocalSnsOptions = {}): Promise<LocalSns> {
  const identity = options.identity ?? new IdentityStore(defaultIdentity);
  const home = options.home ?? { account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' };
  const topics = new SnsTopics(parseSnsScenario(options.scenario), home, options.topics);
  const http = new LocalSnsHttpServer(identity, topics, options.now ?? identity.now);
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: home.region,
    accountId: home.account,
    identity,
    topics: () => structuredClone(topics.all()),
    published: (topicArn) => topics.published(topicArn),
    calls: () => http.recordedCalls(),
    countCalls: (action) => http.countCalls('action', action),
    stop: () => http.close(),
  };
}
