// The hosted zones of the local Route 53 service, per account as Route 53 keeps them (a zone ID of
// another account is a zone that does not exist), their record sets, and the changes made to them
// (Route 53 API reference, ChangeResourceRecordSets, GetChange, ListResourceRecordSets):
//  - a change batch is validated as a whole against the zone, in order (a DELETE then a CREATE of
//    the same record set is one valid batch), and applied only when every change is valid, else
//    InvalidChangeBatch listing every problem;
//  - the records change at once (what ListResourceRecordSets shows); the change is PENDING until
//    the scenario's `insyncSeconds` of the service's clock have passed, then INSYNC (GetChange);
//  - every zone has its SOA and NS records at the apex, as Route 53 creates them; they can be
//    changed but not deleted.
// Simple routing only: no alias records, set identifiers, weights, health checks.
import { randomBytes } from 'node:crypto';
import { invalidChangeBatch, noSuchChange, noSuchHostedZone } from './errors.ts';
import type { ParsedHostedZone, ParsedRoute53Scenario, RecordType } from './scenario.ts';

/**
 * The clock the service answers in: the local DRS service's simulated clock in a local run;
 * `advance` lets that simulation apply what it has due before a request is answered.
 */
export interface ServiceClock {
  nowMs(): number;
  advance?(): void;
}

/** The wall clock: the service on its own. */
export const wallClock: ServiceClock = { nowMs: () => Date.now() };

/** A record set: its name (lower case, dot-terminated), type, TTL and values in the order given. */
export interface ResourceRecordSetView {
  name: string;
  type: RecordType;
  ttl: number;
  values: string[];
}

export interface HostedZoneView {
  /** The bare ID (Z…); Route 53 writes it `/hostedzone/Z…`. */
  id: string;
  name: string;
  private: boolean;
  account: string;
  comment?: string;
  /** In ListResourceRecordSets' order. */
  records: ResourceRecordSetView[];
}

export type ChangeStatus = 'PENDING' | 'INSYNC';

export interface ChangeView {
  /** The bare ID (C…); Route 53 writes it `/change/C…`. */
  id: string;
  account: string;
  hostedZoneId: string;
  status: ChangeStatus;
  submittedAt: string;
  comment?: string;
}

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

export interface RecordChange {
  action: ChangeAction;
  record: ResourceRecordSetView;
}

export interface RecordPage {
  records: ResourceRecordSetView[];
  /** The first record of the next page, when there is one. */
  next?: { name: string; type: RecordType };
}

interface ZoneRecord extends Omit<HostedZoneView, 'records'> {
  records: Map<string, ResourceRecordSetView>;
}

interface ChangeRecord extends Omit<ChangeView, 'status' | 'submittedAt'> {
  submittedMs: number;
}

/** Route 53 keeps names in lower case, dot-terminated (`Web.Example.com` → `web.example.com.`). */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

const keyOf = (name: string, type: string) => `${name} ${type}`;

/** ListResourceRecordSets' order: by name with its labels reversed (com.example.www), then by type. */
function sortKeyOf(name: string): string {
  return name.split('.').filter((label) => label !== '').reverse().join('.');
}

export function compareRecords(a: { name: string; type: string }, b: { name: string; type: string }): number {
  const byName = sortKeyOf(a.name) < sortKeyOf(b.name) ? -1 : sortKeyOf(a.name) > sortKeyOf(b.name) ? 1 : 0;
  return byName !== 0 ? byName : a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The name servers Route 53 gives a zone (the ones of its delegation set; fixed here). */
const NAME_SERVERS = ['ns-1536.awsdns-00.co.uk.', 'ns-0.awsdns-00.com.', 'ns-1024.awsdns-00.org.', 'ns-512.awsdns-00.net.'];

function apexRecords(zoneName: string): ResourceRecordSetView[] {
  return [
    { name: zoneName, type: 'NS', ttl: 172800, values: [...NAME_SERVERS] },
    { name: zoneName, type: 'SOA', ttl: 900, values: [`${NAME_SERVERS[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
  ];
}

/** C followed by upper-case letters and digits, as Route 53's change IDs. */
function newChangeId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `C${Array.from(randomBytes(13), (byte) => alphabet[byte % 36]).join('')}`;
}

export class Route53Zones {
  /** By account, then by zone ID. */
  private readonly zones = new Map<string, Map<string, ZoneRecord>>();
  /** By account, then by change ID. */
  private readonly changes = new Map<string, Map<string, ChangeRecord>>();
  readonly insyncMs: number;

  constructor(
    readonly clock: ServiceClock,
    scenario: ParsedRoute53Scenario,
    /** Where scenario zones without `account` live. */
    readonly home: { account: string },
  ) {
    this.insyncMs = scenario.insyncSeconds * 1000;
    for (const zone of scenario.hostedZones) this.addZone(zone);
  }

  private addZone(declared: ParsedHostedZone): void {
    const account = declared.account ?? this.home.account;
    const name = canonicalName(declared.name);
    const records = new Map<string, ResourceRecordSetView>();
    const declaredRecords = declared.records.map((record) => ({ ...record, name: canonicalName(record.name), values: [...record.values] }));
    for (const record of [...apexRecords(name), ...declaredRecords]) records.set(keyOf(record.name, record.type), record);
    const zone: ZoneRecord = { id: declared.id, name, private: declared.private, account, ...(declared.comment === undefined ? {} : { comment: declared.comment }), records };
    if (!this.zones.has(account)) this.zones.set(account, new Map());
    this.zones.get(account)!.set(declared.id, zone);
  }

  private zoneOf(account: string, id: string): ZoneRecord {
    const zone = this.zones.get(account)?.get(id);
    if (!zone) throw noSuchHostedZone(id);
    return zone;
  }

  private static view(zone: ZoneRecord): HostedZoneView {
    const records = [...zone.records.values()].sort(compareRecords).map((record) => ({ ...record, values: [...record.values] }));
    return { id: zone.id, name: zone.name, private: zone.private, account: zone.account, ...(zone.comment === undefined ? {} : { comment: zone.comment }), records };
  }

  private changeView(change: ChangeRecord, now: number): ChangeView {
    const { submittedMs, ...rest } = change;
    return { ...rest, status: now - submittedMs >= this.insyncMs ? 'INSYNC' : 'PENDING', submittedAt: new Date(submittedMs).toISOString() };
  }

  private now(): number {
    this.clock.advance?.();
    return this.clock.nowMs();
  }

  /** GetHostedZone: a zone of the account; NoSuchHostedZone for any other ID. */
  hostedZone(account: string, id: string): HostedZoneView {
    this.now();
    return Route53Zones.view(this.zoneOf(account, id));
  }

  /**
   * ChangeResourceRecordSets: validates the batch in order against the zone and applies it
   * whole, or throws InvalidChangeBatch with every problem and changes nothing.
   */
  changeResourceRecordSets(account: string, zoneId: string, changes: RecordChange[], comment?: string): ChangeView {
    const now = this.now();
    const zone = this.zoneOf(account, zoneId);
    const next = new Map(zone.records);
    const problems: string[] = [];
    for (const { action, record } of changes) {
      const problem = this.problemOf(zone, next, action, { ...record, name: canonicalName(record.name) });
      if (problem) problems.push(problem);
    }
    if (problems.length > 0) throw invalidChangeBatch(problems);
    zone.records.clear();
    for (const [key, record] of next) zone.records.set(key, record);
    const change: ChangeRecord = { id: newChangeId(), account, hostedZoneId: zoneId, submittedMs: now, ...(comment === undefined ? {} : { comment }) };
    if (!this.changes.has(account)) this.changes.set(account, new Map());
    this.changes.get(account)!.set(change.id, change);
    return this.changeView(change, now);
  }

  /** One change checked against the zone as the batch has left it so far, and applied to `records` when valid. */
  private problemOf(zone: ZoneRecord, records: Map<string, ResourceRecordSetView>, action: ChangeAction, record: ResourceRecordSetView): string | undefined {
    const { name, type } = record;
    const described = `[name='${name}', type='${type}']`;
    if (name !== zone.name && !name.endsWith(`.${zone.name}`)) return `RRSet with DNS name ${name} is not permitted in zone ${zone.name}`;
    const key = keyOf(name, type);
    const current = records.get(key);
    if (action === 'DELETE') {
      if (!current) return `Tried to delete resource record set ${described} but it was not found`;
      if (current.ttl !== record.ttl || [...current.values].sort().join('\n') !== [...record.values].sort().join('\n')) {
        return `Tried to delete resource record set ${described} but the values provided do not match the current values`;
      }
      if (name === zone.name && (type === 'SOA' || type === 'NS')) return `A HostedZone must contain at least one ${type} record for the zone itself.`;
      records.delete(key);
      return undefined;
    }
    if (action === 'CREATE' && current) return `Tried to create resource record set ${described} but it already exists`;
    if (type === 'A') {
      const bad = record.values.find((value) => !IPV4.test(value));
      if (bad !== undefined) return `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${bad}''`;
    }
    if (type === 'CNAME' && name === zone.name) return `RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zone.name}`;
    const others = [...records.values()].filter((other) => other.name === name && other.type !== type);
    if (type === 'CNAME' && others.length > 0) return `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`;
    if (others.some((other) => other.type === 'CNAME')) return `RRSet of type ${type} with DNS name ${name} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone ${zone.name}`;
    records.set(key, { ...record, values: [...record.values] });
    return undefined;
  }

  /** GetChange: PENDING until `insyncSeconds` after it was submitted, then INSYNC. */
  change(account: string, id: string): ChangeView {
    const now = this.now();
    const change = this.changes.get(account)?.get(id);
    if (!change) throw noSuchChange(id);
    return this.changeView(change, now);
  }

  /**
   * ListResourceRecordSets: the zone's records in Route 53's order from the first at or after
   * (`name`, `type`), at most `maxItems`, and the first of the next page.
   */
  listResourceRecordSets(account: string, zoneId: string, from: { name?: string; type?: string }, maxItems: number): RecordPage {
    const all = this.hostedZone(account, zoneId).records;
    const start = from.name === undefined ? 0 : all.findIndex((record) => compareRecords(record, { name: canonicalName(from.name!), type: from.type ?? '' }) >= 0);
    const rest = start < 0 ? [] : all.slice(start);
    const records = rest.slice(0, maxItems);
    const following = rest[maxItems];
    return { records, ...(following ? { next: { name: following.name, type: following.type } } : {}) };
  }

  /** The zones of an account (default the home one) with their records, in ID order. */
  state(account = this.home.account): HostedZoneView[] {
    this.now();
    return [...(this.zones.get(account)?.values() ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1)).map(Route53Zones.view);
  }

  /** The changes of an account (default the home one), oldest first. */
  changeLog(account = this.home.account): ChangeView[] {
    const now = this.now();
    return [...(this.changes.get(account)?.values() ?? [])].sort((a, b) => a.submittedMs - b.submittedMs).map((change) => this.changeView(change, now));
  }
}
