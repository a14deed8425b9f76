// The SNS operations the local world needs: Publish (the approval gate's "approval requested"),
// GetTopicAttributes (a preflight: does the configured topic exist?), CreateTopic and ListTopics.
// Each takes the query parameters and the authenticated request, and returns the members of its
// <…Result>. Limits and rules are the Publish reference's (docs.aws.amazon.com/sns/latest/api/
// API_Publish.html): Message at most 256 KiB (262,144 bytes, attributes included), Subject UTF-8
// text of at most 100 characters without line breaks or control characters, MessageGroupId and
// MessageDeduplicationId for FIFO topics.
import { randomUUID } from 'node:crypto';
import type { CallerIdentity } from '#local/identity/index.ts';
import { authorizationError, invalidParameter, missingMember, topicNotFound } from './errors.ts';
import { TOPIC_NAME } from './scenario.ts';
import { parseTopicArn, type PublishedMessage, type SnsTopics, type Topic } from './topics.ts';
import type { XmlMembers } from './xml.ts';

export interface OperationContext {
  topics: SnsTopics;
  parameters: URLSearchParams;
  caller: CallerIdentity;
  /** The Region of the request's credential scope: the endpoint's Region at AWS. */
  region: string;
  /** The service clock, for the published messages' time. */
  now: () => Date;
}

export type OperationHandler = (context: OperationContext) => XmlMembers;

/** 256 KiB: the message and its attributes (names, types and values), in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 262_144;
export const MAX_SUBJECT_CHARACTERS = 100;
/** MessageGroupId and MessageDeduplicationId: up to 128 of the printable ASCII characters. */
const FIFO_ID = /^[\x21-\x7e]{1,128}$/;
/** C0 and C1 control characters and DEL, line breaks included. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The topic a request names, checked as SNS checks it: a well-formed topic ARN, in the Region of
 * the endpoint (a topic of another Region is "Invalid parameter: TopicArn"), of the caller's
 * account (another account's topic is an AuthorizationError: topic policies are not modelled, so
 * no other account is admitted), declared (else NotFound).
 */
function resolveTopic(context: OperationContext, arn: string, member: string, action: string): Topic {
  const elements = arn.split(':').length;
  if (elements < 6) throw invalidParameter(`${member} Reason: An ARN must have at least 6 elements, not ${elements}`);
  const parsed = parseTopicArn(arn);
  if (!parsed || parsed.region !== context.region) throw invalidParameter(member);
  if (parsed.account !== context.caller.account) throw authorizationError(context.caller.arn, action, arn);
  const topic = context.topics.get(arn);
  if (!topic) throw topicNotFound();
  return topic;
}

function checkSubject(subject: string | null): void {
  if (subject === null) return;
  const characters = [...subject];
  if (characters.length === 0 || characters.length > MAX_SUBJECT_CHARACTERS || CONTROL.test(subject) || /^\s/u.test(subject)) throw invalidParameter('Subject');
}

function checkMessageStructure(structure: string | null, message: string): void {
  if (structure === null) return;
  if (structure !== 'json') throw invalidParameter('MessageStructure');
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as Record<string, unknown>).default !== 'string') {
    throw invalidParameter('Message Structure - No default entry in JSON message body');
  }
}

type Attributes = PublishedMessage['attributes'];

/** Attribute names: letters, digits, `_`, `-` and `.`, up to 256, no `..`, not starting or ending with `.`, not `AWS.`/`Amazon.` (reserved). */
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;

/**
 * `MessageAttributes.entry.N.Name`, `.Value.DataType`, `.Value.StringValue` / `.Value.BinaryValue`
 * (the query protocol's non-flattened map, as client-sns serialises `MessageAttributeMap`).
 */
export function parseMessageAttributes(parameters: URLSearchParams): Attributes {
  const indices = new Set<number>();
  for (const key of parameters.keys()) {
    const match = /^MessageAttributes\.entry\.(\d+)\./.exec(key);
    if (match) indices.add(Number(match[1]));
  }
  const attributes: Attributes = {};
  for (const n of [...indices].sort((a, b) => a - b)) {
    const at = (member: string) => parameters.get(`MessageAttributes.entry.${n}.${member}`);
    const name = at('Name');
    if (name === null || name === '') throw invalidParameter('MessageAttributes Reason: Message attribute name can not be null or empty');
    const reason = (text: string) => invalidParameter(`MessageAttributes Reason: ${text}`);
    if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name)) throw reason(`Message attribute name '${name}' is not valid: up to 256 letters, digits, '_', '-' and '.', no '..', not starting or ending with '.', and not starting with 'AWS.' or 'Amazon.'`);
    if (Object.hasOwn(attributes, name)) throw reason(`Message attribute name '${name}' is repeated`);
    const dataType = at('Value.DataType');
    if (dataType === null || dataType === '') throw reason(`The message attribute '${name}' must contain non-empty message attribute type.`);
    const kind = /^(String|Number|Binary)(\..+)?$/.exec(dataType)?.[1];
    if (!kind) throw reason(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    const stringValue = at('Value.StringValue');
    const binaryValue = at('Value.BinaryValue');
    if (kind === 'Binary') {
      if (!binaryValue) throw reason(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
      attributes[name] = { dataType, binaryValue };
      continue;
    }
    if (stringValue === null || stringValue === '') throw reason(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
    if (kind === 'Number' && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(stringValue)) throw reason(`The message attribute '${name}' with type 'Number' has a value that is not a number: '${stringValue}'.`);
    if (dataType === 'String.Array') {
      let array: unknown;
      try {
        array = JSON.parse(stringValue);
      } catch {
        array = undefined;
      }
      if (!Array.isArray(array)) throw reason(`The message attribute '${name}' with type 'String.Array' must be a JSON array of strings, numbers, true, false or null.`);
    }
    attributes[name] = { dataType, stringValue };
  }
  return attributes;
}

function attributesBytes(attributes: Attributes): number {
  return Object.entries(attributes).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value.dataType) + Buffer.byteLength(value.stringValue ?? '') + (value.binaryValue ? Buffer.from(value.binaryValue, 'base64').length : 0),
    0,
  );
}

/**
 * Publish to a topic. TopicArn, or TargetArn naming a topic; a mobile endpoint (TargetArn) or a
 * phone number (SMS) is refused: the local service has topics only.
 */
export const publish: OperationHandler = (context) => {
  const { parameters } = context;
  const message = parameters.get('Message');
  if (message === null) throw missingMember('message');
  const topicArn = parameters.get('TopicArn') || null;
  const targetArn = parameters.get('TargetArn') || null;
  const phoneNumber = parameters.get('PhoneNumber') || null;
  const named = [topicArn, targetArn, phoneNumber].filter((value) => value !== null).length;
  if (named === 0) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  if (named > 1) throw invalidParameter('TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified');
  if (phoneNumber !== null) throw invalidParameter('PhoneNumber Reason: the local SNS service publishes to topics only (SMS is not modelled)');
  if (targetArn !== null && /^arn:aws:sns:[^:]*:[^:]*:endpoint\//.test(targetArn)) {
    throw invalidParameter('TargetArn Reason: the local SNS service publishes to topics only (platform application endpoints are not modelled)');
  }
  if (message === '') throw invalidParameter('Empty message');
  const subject = parameters.get('Subject');
  checkSubject(subject);
  const structure = parameters.get('MessageStructure');
  checkMessageStructure(structure, message);
  const attributes = parseMessageAttributes(parameters);
  if (Buffer.byteLength(message) + attributesBytes(attributes) > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');

  const topic = resolveTopic(context, (topicArn ?? targetArn)!, topicArn !== null ? 'TopicArn' : 'TargetArn', 'Publish');
  const groupId = parameters.get('MessageGroupId');
  const deduplicationId = parameters.get('MessageDeduplicationId');
  if (!topic.fifo) {
    if (groupId !== null) throw invalidParameter('MessageGroupId Reason: The request includes MessageGroupId parameter that is not valid for this topic type');
    if (deduplicationId !== null) throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  } else {
    if (groupId === null) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (!FIFO_ID.test(groupId)) throw invalidParameter('MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
    if (deduplicationId === null && !topic.contentBasedDeduplication) {
      throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
    if (deduplicationId !== null && !FIFO_ID.test(deduplicationId)) throw invalidParameter('MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }

  const messageId = randomUUID();
  const sequenceNumber = topic.fifo ? context.topics.nextSequenceNumber() : undefined;
  context.topics.record({
    topicArn: topic.arn,
    messageId,
    ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
    ...(subject === null ? {} : { subject }),
    message,
    ...(structure === null ? {} : { messageStructure: structure }),
    attributes,
    ...(groupId === null ? {} : { messageGroupId: groupId }),
    ...(deduplicationId === null ? {} : { messageDeduplicationId: deduplicationId }),
    account: topic.account,
    region: topic.region,
    caller: context.caller.arn,
    at: context.now().toISOString(),
  });
  return { MessageId: messageId, SequenceNumber: sequenceNumber };
};

/** The access policy SNS gives a new topic: the owner account may do everything. */
function defaultPolicy(topic: Topic): string {
  const actions = ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'];
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{ Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' }, Action: actions, Resource: topic.arn, Condition: { StringEquals: { 'AWS:SourceOwner': topic.account } } }],
  });
}

/** GetTopicAttributes: the attributes a topic without subscriptions has. */
export const getTopicAttributes: OperationHandler = (context) => {
  const arn = context.parameters.get('TopicArn');
  if (arn === null) throw missingMember('topicArn');
  const topic = resolveTopic(context, arn, 'TopicArn', 'GetTopicAttributes');
  const attributes: Record<string, string> = {
    Policy: defaultPolicy(topic),
    Owner: topic.account,
    SubscriptionsPending: '0',
    TopicArn: topic.arn,
    SubscriptionsConfirmed: '0',
    DisplayName: '',
    SubscriptionsDeleted: '0',
    ...(topic.fifo ? { FifoTopic: 'true', ContentBasedDeduplication: String(topic.contentBasedDeduplication) } : {}),
  };
  return { Attributes: { entry: Object.entries(attributes).map(([key, value]) => ({ key, value })) } };
};

function topicAttributesOf(parameters: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, value] of parameters) {
    const match = /^Attributes\.entry\.(\d+)\.key$/.exec(key);
    if (match) attributes[value] = parameters.get(`Attributes.entry.${match[1]}.value`) ?? '';
  }
  return attributes;
}

/**
 * CreateTopic in the caller's account and the request's Region; idempotent for the same name. Of
 * the attributes only FifoTopic and ContentBasedDeduplication mean something here.
 */
export const createTopic: OperationHandler = (context) => {
  const name = context.parameters.get('Name');
  if (name === null) throw missingMember('name');
  const attributes = topicAttributesOf(context.parameters);
  const fifo = attributes.FifoTopic === 'true';
  if (fifo !== name.endsWith('.fifo') || !TOPIC_NAME.test(name)) {
    throw invalidParameter(
      fifo
        ? 'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.'
        : 'Topic Name',
    );
  }
  if (attributes.ContentBasedDeduplication === 'true' && !fifo) throw invalidParameter('Attributes Reason: Content based deduplication can only be set for FIFO topics');
  const topic = context.topics.add({ account: context.caller.account, region: context.region }, name, attributes.ContentBasedDeduplication === 'true');
  return { TopicArn: topic.arn };
};

const LIST_PAGE = 100;

/** ListTopics of the caller's account in the request's Region, 100 a page (NextToken: where the next page starts). */
export const listTopics: OperationHandler = (context) => {
  const topics = context.topics.list({ account: context.caller.account, region: context.region });
  const token = context.parameters.get('NextToken');
  const start = token === null ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0 || start > topics.length) throw invalidParameter('NextToken');
  const page = topics.slice(start, start + LIST_PAGE);
  const next = start + LIST_PAGE < topics.length ? String(start + LIST_PAGE) : undefined;
  return { Topics: { member: page.map((topic) => ({ TopicArn: topic.arn })) }, NextToken: next };
};

export const operationHandlers: Record<string, OperationHandler> = {
  Publish: publish,
  GetTopicAttributes: getTopicAttributes,
  CreateTopic: createTopic,
  ListTopics: listTopics,
};
