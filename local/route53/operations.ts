// The Route 53 operations served, over REST-XML requests: which operation a method and path are
// (Route 53 API reference: `POST /2013-04-01/hostedzone/{Id}/rrset/`, `GET /2013-04-01/hostedzone/{Id}/rrset`,
// `GET /2013-04-01/change/{Id}`, `GET /2013-04-01/hostedzone/{Id}`), the request's members read
// from the path, the query and the XML body, and the members of each answer. Each handler takes
// the request and the caller's account and returns the members of its `<…Response>`.
import { invalidInput } from './errors.ts';
import { RECORD_TYPES, type RecordType } from './scenario.ts';
import { childOf, parseXml, XmlList, XmlSyntaxError, type XmlElement, type XmlMembers } from './xml.ts';
import type { ChangeAction, ChangeView, HostedZoneView, RecordChange, ResourceRecordSetView, Route53Zones } from './zones.ts';

export const API_VERSION = '2013-04-01';
/** ListResourceRecordSets' page size when `maxitems` is not given, and the largest it takes. */
export const MAX_ITEMS = 300;

export interface Route53Request {
  method: string;
  /** The path, still percent-encoded, without the query. */
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

export interface RoutedOperation {
  operation: string;
  /** The hosted zone or change ID the path names, without its `/hostedzone/` or `/change/` prefix. */
  resourceId?: string;
  handle(zones: Route53Zones, account: string): XmlMembers;
}

/** A path segment's ID: decoded, `/hostedzone/Z…` or `/change/C…` as the CLI may send it reduced to the bare ID. */
function idOf(segment: string): string {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    throw invalidInput(`Invalid resource ID: ${segment}`);
  }
  return id.replace(/^\/?(hostedzone|change)\//, '');
}

const changeInfo = (change: ChangeView): XmlMembers => ({
  Id: `/change/${change.id}`,
  Status: change.status,
  SubmittedAt: change.submittedAt,
  Comment: change.comment,
});

const recordSetMembers = (record: ResourceRecordSetView): XmlMembers => ({
  Name: record.name,
  Type: record.type,
  TTL: String(record.ttl),
  ResourceRecords: new XmlList('ResourceRecord', record.values.map((Value) => ({ Value }))),
});

const hostedZoneMembers = (zone: HostedZoneView): XmlMembers => ({
  Id: `/hostedzone/${zone.id}`,
  Name: zone.name,
  CallerReference: `local-${zone.id}`,
  Config: { Comment: zone.comment, PrivateZone: String(zone.private) },
  ResourceRecordSetCount: String(zone.records.length),
});

/** The text of a required member, or InvalidInput naming where it is missing (AWS's validation message). */
function required(parent: XmlElement, member: string, path: string): string {
  const child = childOf(parent, member);
  if (!child) throw invalidInput(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  return child.text.trim();
}

const ACTIONS: readonly ChangeAction[] = ['CREATE', 'DELETE', 'UPSERT'];

/** A ChangeResourceRecordSetsRequest body: its changes and comment, or InvalidInput saying what is wrong. */
export function changeBatchOf(body: Buffer): { changes: RecordChange[]; comment?: string } {
  let root: XmlElement;
  try {
    root = parseXml(body.toString('utf8'));
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw invalidInput(`Could not parse the request body: ${error.message}`);
    throw error;
  }
  if (root.name !== 'ChangeResourceRecordSetsRequest') throw invalidInput(`Expected a ChangeResourceRecordSetsRequest document, got <${root.name}>`);
  const batch = childOf(root, 'ChangeBatch');
  if (!batch) throw invalidInput("1 validation error detected: Value null at 'changeBatch' failed to satisfy constraint: Member must not be null");
  const list = childOf(batch, 'Changes')?.children.filter((child) => child.name === 'Change') ?? [];
  if (list.length === 0) throw invalidInput("1 validation error detected: Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const changes = list.map((change, index): RecordChange => {
    const at = `changeBatch.changes.${index + 1}.member`;
    const action = required(change, 'Action', `${at}.action`);
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw invalidInput(`1 validation error detected: Value '${action}' at '${at}.action' failed to satisfy constraint: Member must satisfy enum value set: [${ACTIONS.join(', ')}]`);
    }
    const set = childOf(change, 'ResourceRecordSet');
    if (!set) throw invalidInput(`1 validation error detected: Value null at '${at}.resourceRecordSet' failed to satisfy constraint: Member must not be null`);
    const name = required(set, 'Name', `${at}.resourceRecordSet.name`);
    const type = required(set, 'Type', `${at}.resourceRecordSet.type`);
    if (!(RECORD_TYPES as readonly string[]).includes(type)) {
      throw invalidInput(`1 validation error detected: Value '${type}' at '${at}.resourceRecordSet.type' failed to satisfy constraint: Member must satisfy enum value set: [${RECORD_TYPES.join(', ')}]`);
    }
    for (const unmodelled of ['AliasTarget', 'SetIdentifier', 'Weight', 'Region', 'GeoLocation', 'Failover', 'MultiValueAnswer', 'HealthCheckId', 'TrafficPolicyInstanceId', 'CidrRoutingConfig', 'GeoProximityLocation']) {
      if (childOf(set, unmodelled)) throw invalidInput(`${unmodelled} is not supported by the local Route 53 service: it keeps simple records only (Name, Type, TTL, ResourceRecords)`);
    }
    const ttlText = childOf(set, 'TTL')?.text.trim();
    const values = (childOf(set, 'ResourceRecords')?.children ?? []).filter((child) => child.name === 'ResourceRecord').map((record) => childOf(record, 'Value')?.text.trim() ?? '');
    if (ttlText === undefined || values.length === 0) {
      throw invalidInput(`Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=${action}, Name=${name}, Type=${type}, SetIdentifier=null]`);
    }
    const ttl = Number(ttlText);
    if (!/^\d+$/.test(ttlText) || ttl > 2147483647) throw invalidInput(`1 validation error detected: Value '${ttlText}' at '${at}.resourceRecordSet.tTL' failed to satisfy constraint: Member must have value between 0 and 2147483647`);
    if (values.some((value) => value === '')) throw invalidInput(`1 validation error detected: Value null at '${at}.resourceRecordSet.resourceRecords.member.value' failed to satisfy constraint: Member must not be null`);
    return { action: action as ChangeAction, record: { name, type: type as RecordType, ttl, values } };
  });
  const comment = childOf(batch, 'Comment')?.text;
  return { changes, ...(comment === undefined ? {} : { comment }) };
}

/** Which operation a request is, with its handler; undefined for a path or method Route 53 does not serve here. */
export function routeOf(request: Route53Request): RoutedOperation | undefined {
  const segments = request.path.split('/').slice(1);
  if (segments[0] !== API_VERSION) return undefined;
  const [, kind, rawId, sub, trailing] = segments;
  if (rawId === undefined || rawId === '') return undefined;
  if (kind === 'change' && sub === undefined && request.method === 'GET') {
    const id = idOf(rawId);
    return { operation: 'GetChange', resourceId: id, handle: (zones, account) => ({ ChangeInfo: changeInfo(zones.change(account, id)) }) };
  }
  if (kind !== 'hostedzone') return undefined;
  const id = idOf(rawId);
  if (sub === undefined && request.method === 'GET') {
    return { operation: 'GetHostedZone', resourceId: id, handle: (zones, account) => ({ HostedZone: hostedZoneMembers(zones.hostedZone(account, id)) }) };
  }
  if (sub !== 'rrset' || (trailing !== undefined && trailing !== '')) return undefined;
  if (request.method === 'POST') {
    return {
      operation: 'ChangeResourceRecordSets',
      resourceId: id,
      handle: (zones, account) => {
        zones.hostedZone(account, id); // NoSuchHostedZone before the body's problems, as Route 53 answers
        const { changes, comment } = changeBatchOf(request.body);
        return { ChangeInfo: changeInfo(zones.changeResourceRecordSets(account, id, changes, comment)) };
      },
    };
  }
  if (request.method === 'GET') {
    return { operation: 'ListResourceRecordSets', resourceId: id, handle: (zones, account) => listResourceRecordSets(zones, account, id, request.query) };
  }
  return undefined;
}

/** ListResourceRecordSets: `name`, `type` (only with `name`) and `maxitems` (1-300, default 300). */
function listResourceRecordSets(zones: Route53Zones, account: string, id: string, query: URLSearchParams): XmlMembers {
  const name = query.get('name') ?? undefined;
  const type = query.get('type') ?? undefined;
  if (query.get('identifier') !== null) throw invalidInput('identifier is not supported by the local Route 53 service: it keeps simple records only');
  if (type !== undefined && name === undefined) throw invalidInput('The input is not valid: you can specify type only together with name');
  if (type !== undefined && !(RECORD_TYPES as readonly string[]).includes(type)) {
    throw invalidInput(`1 validation error detected: Value '${type}' at 'startRecordType' failed to satisfy constraint: Member must satisfy enum value set: [${RECORD_TYPES.join(', ')}]`);
  }
  const maxText = query.get('maxitems');
  const maxItems = maxText === null ? MAX_ITEMS : Number(maxText);
  if (maxText !== null && (!/^\d+$/.test(maxText) || maxItems < 1)) throw invalidInput(`1 validation error detected: Value '${maxText}' at 'maxItems' failed to satisfy constraint: Member must be a positive integer`);
  const page = zones.listResourceRecordSets(account, id, { ...(name === undefined ? {} : { name }), ...(type === undefined ? {} : { type }) }, Math.min(maxItems, MAX_ITEMS));
  return {
    ResourceRecordSets: new XmlList('ResourceRecordSet', page.records.map(recordSetMembers)),
    IsTruncated: String(page.next !== undefined),
    NextRecordName: page.next?.name,
    NextRecordType: page.next?.type,
    MaxItems: String(Math.min(maxItems, MAX_ITEMS)),
  };
}
