// What a scenario says about Route 53 (its `route53:` block, beside the local DRS service's own
// keys): the hosted zones that exist before the run, per account, with their records, and how
// long a change takes to reach every Route 53 name server (PENDING → INSYNC). One strict zod
// schema: an unknown key is an error naming the field, as in every other part of a scenario.
import { z } from 'zod';

const accountId = z.string({ error: 'an account ID is a 12-digit string (quote it in YAML: "111122223333")' }).regex(/^\d{12}$/, 'an account ID is 12 digits');
/** Route 53's hosted zone IDs: upper-case letters and digits (e.g. Z0123456789ABCDEFGHIJ), at most 32 characters. */
const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'a hosted zone ID is Z followed by upper-case letters and digits (e.g. Z0123456789ABCDEFGHIJ)');
/** A DNS name as Route 53 writes it: labels of letters, digits, `-` and `_` (and a leading `*`), dot-terminated. */
const DNS_NAME = /^(\*\.)?([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.)+$/;
const dnsName = z.string().max(1024).regex(DNS_NAME, 'a DNS name is dot-terminated labels of letters, digits and dashes (e.g. web.payments.internal.)');

/** The record types the stand-in keeps (simple routing only: no alias, weights or set identifiers). */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'TXT', 'CAA', 'DS', 'NAPTR'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const recordSchema = z.strictObject({
  name: dnsName,
  type: z.enum(RECORD_TYPES),
  ttl: z.number().int().min(0).max(2147483647).default(300),
  values: z.array(z.string().min(1).max(4000)).min(1, 'a record has at least one value'),
});

const hostedZoneSchema = z.strictObject({
  id: hostedZoneId,
  name: dnsName,
  /** A private zone (associated with VPCs) or a public one. */
  private: z.boolean().default(false),
  /** Default: the account the service was started for. */
  account: accountId.optional(),
  comment: z.string().max(256).optional(),
  /** Beside these, every zone has its SOA and NS records at its apex, as Route 53 creates them. */
  records: z.array(recordSchema).default([]),
});

export const route53ScenarioSchema = z
  .strictObject({
    /** How long a change stays PENDING, in the service's (simulated) seconds: Route 53 says "generally within 60 seconds". */
    insyncSeconds: z.number().nonnegative().default(30),
    hostedZones: z.array(hostedZoneSchema).default([]),
  })
  .prefault({});

export type Route53Scenario = z.input<typeof route53ScenarioSchema>;
export type ParsedRoute53Scenario = z.output<typeof route53ScenarioSchema>;
export type ParsedHostedZone = ParsedRoute53Scenario['hostedZones'][number];

export class Route53ScenarioError extends Error {
  override name = 'Route53ScenarioError';
}

/** Validates a `route53:` block; the message names each wrong field (`route53.hostedZones.0.id: …`). */
export function parseRoute53Scenario(block: unknown, source = 'route53'): ParsedRoute53Scenario {
  const result = route53ScenarioSchema.safeParse(block ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${[source, ...issue.path].join('.')}: ${issue.message}`);
    throw new Route53ScenarioError(`invalid ${source}:\n- ${lines.join('\n- ')}`);
  }
  const problems: string[] = [];
  const ids = new Set<string>();
  result.data.hostedZones.forEach((zone, index) => {
    if (ids.has(zone.id)) problems.push(`${source}.hostedZones.${index}.id: hosted zone ${zone.id} is declared twice`);
    ids.add(zone.id);
    const seen = new Set<string>();
    zone.records.forEach((record, recordIndex) => {
      const name = record.name.toLowerCase();
      const where = `${source}.hostedZones.${index}.records.${recordIndex}`;
      if (name !== zone.name.toLowerCase() && !name.endsWith(`.${zone.name.toLowerCase()}`)) {
        problems.push(`${where}.name: ${record.name} is not in zone ${zone.name}`);
      }
      if (seen.has(`${name} ${record.type}`)) problems.push(`${where}: the ${record.type} record ${record.name} is declared twice (put every value in one record's values)`);
      seen.add(`${name} ${record.type}`);
    });
  });
  if (problems.length > 0) throw new Route53ScenarioError(`invalid ${source}:\n- ${problems.join('\n- ')}`);
  return result.data;
}
