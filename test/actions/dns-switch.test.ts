// The shipped DNS switch action against the local Route 53 service over HTTP (the real SDK, no
// mocks): records pointed at the wave's recovered IPs and waited INSYNC in simulated time, servers
// chosen by tags, hostnames or IDs, servers without an IP skipped, and the clear errors of a record
// without any IP, bad parameters and a change that does not sync in time. The handler is invoked
// as Lambda would, with ROUTE53_ENDPOINT pointing its module-scope client at the stand-in.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { defaultCredentials } from '#local/identity/index.ts';
import { startLocalRoute53, type LocalRoute53 } from '#local/route53/index.ts';
import { route53ClientFor } from '#local/route53/client.ts';
import type { ActionInput, ActionServer } from '#shared/actions/input.ts';
import { DnsSwitchError, parseDnsSwitchParameters, pollIntervalMsFrom, switchDns, type Waiting } from '../../actions/dns-switch/switch.ts';

const ZONE = 'Z0123456789ABCDEFGHIJ';

/** One simulated clock for the service and the action: the action's sleep moves it. */
let nowMs = Date.parse('2026-12-01T02:00:00Z');
const clock = { nowMs: () => nowMs, advance: () => {} };
const sleeps: number[] = [];
const waiting: Waiting = {
  nowMs: () => nowMs,
  sleep: async (ms) => {
    sleeps.push(ms);
    nowMs += ms;
  },
};

const server = (id: string, hostname: string, tags: Record<string, string>, privateIp?: string): ActionServer => ({
  sourceServerId: id,
  hostname,
  account: '111122223333',
  region: 'eu-west-1',
  tags,
  ...(privateIp ? { recoveryInstanceId: `i-${id.slice(2)}`, ec2InstanceId: `i-${id.slice(2)}`, privateIp } : {}),
});

function inputWith(parameters: Record<string, unknown>, servers: ActionServer[] = wave): ActionInput {
  return { plan: 'payments', mode: 'drill', execution: 'payments-drill-1', wave: 'web', phase: 'after', action: 'switch-dns', parameters, idempotencyKey: 'payments-drill-1/web/after/switch-dns', servers };
}

const wave = [
  server('s-1111111111111111a', 'web-1.corp.example', { Tier: 'web' }, '10.1.1.20'),
  server('s-2222222222222222b', 'web-2.corp.example', { Tier: 'web' }, '10.1.1.9'),
  server('s-3333333333333333c', 'web-3.corp.example', { Tier: 'web' }),
  server('s-4444444444444444d', 'db-1.corp.example', { Tier: 'db' }, '10.1.2.30'),
];

let r53: LocalRoute53;

beforeEach(async () => {
  nowMs = Date.parse('2026-12-01T02:00:00Z');
  sleeps.length = 0;
  r53 = await startLocalRoute53({
    clock,
    scenario: {
      insyncSeconds: 30,
      hostedZones: [{ id: ZONE, name: 'payments.internal.', private: true, records: [{ name: 'web.payments.internal.', type: 'A', ttl: 60, values: ['10.0.1.10'] }] }],
    },
  });
});

afterEach(async () => {
  await r53.stop();
});

const valuesOf = (name: string) => r53.state().hostedZones[0]!.records.find((record) => record.name === name);

describe('the DNS switch action against the local Route 53 service', () => {
  it('points each record at its servers\' recovered IPs (sorted), waits INSYNC polling every 2 s, and reports the servers without an IP', async () => {
    const parameters = parseDnsSwitchParameters({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.', servers: { tags: { Tier: 'web' } } }, { name: 'db.payments.internal', servers: { hostnames: ['DB-1.corp.example'] } }] });

    const result = await switchDns(inputWith({}), parameters, route53ClientFor(r53), waiting);

    expect(result).toEqual({
      changeId: expect.stringMatching(/^\/change\/C/),
      status: 'INSYNC',
      records: [
        { name: 'web.payments.internal.', values: ['10.1.1.9', '10.1.1.20'] },
        { name: 'db.payments.internal.', values: ['10.1.2.30'] },
      ],
      skipped: [{ record: 'web.payments.internal.', sourceServerId: 's-3333333333333333c', hostname: 'web-3.corp.example', reason: 'no private IP (not launched yet?)' }],
    });
    expect(valuesOf('web.payments.internal.')).toEqual({ name: 'web.payments.internal.', type: 'A', ttl: 60, values: ['10.1.1.9', '10.1.1.20'] });
    expect(valuesOf('db.payments.internal.')?.values).toEqual(['10.1.2.30']);
    expect(r53.countCalls('ChangeResourceRecordSets')).toBe(1);
    expect(r53.countCalls('GetChange')).toBe(15); // 30 s at one poll every 2 s
    expect(new Set(sleeps)).toEqual(new Set([2_000]));
    expect(r53.state().changes[0]).toMatchObject({ status: 'INSYNC', comment: 'DRS orchestrator drill of plan payments, wave web, action switch-dns (payments-drill-1/web/after/switch-dns)' });
  });

  it('is idempotent: a second run with the same input writes the same values', async () => {
    const parameters = parseDnsSwitchParameters({ hostedZoneId: ZONE, ttl: 30, records: [{ name: 'web.payments.internal.', servers: { sourceServerIds: ['s-1111111111111111a'] } }], waitForInsync: false });
    const first = await switchDns(inputWith({}), parameters, route53ClientFor(r53), waiting);
    const second = await switchDns(inputWith({}), parameters, route53ClientFor(r53), waiting);

    expect(first.status).toBe('PENDING');
    expect(second.records).toEqual(first.records);
    expect(second.changeId).not.toBe(first.changeId);
    const { ResourceRecordSets } = await route53ClientFor(r53).send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, StartRecordName: 'web.payments.internal.', StartRecordType: 'A', MaxItems: 1 }));
    expect(ResourceRecordSets).toEqual([{ Name: 'web.payments.internal.', Type: 'A', TTL: 30, ResourceRecords: [{ Value: '10.1.1.20' }] }]);
    expect(r53.countCalls('GetChange')).toBe(0);
  });

  it('takes all of the wave\'s servers when a record names none', async () => {
    const result = await switchDns(inputWith({}), parseDnsSwitchParameters({ hostedZoneId: ZONE, records: [{ name: 'all.payments.internal.' }] }), route53ClientFor(r53), waiting);
    expect(result.records).toEqual([{ name: 'all.payments.internal.', values: ['10.1.1.9', '10.1.1.20', '10.1.2.30'] }]);
    expect(result.skipped.map((skipped) => skipped.sourceServerId)).toEqual(['s-3333333333333333c']);
  });

  it('refuses a record none of whose servers has an IP, naming the record, and changes nothing', async () => {
    const parameters = parseDnsSwitchParameters({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.', servers: { tags: { Tier: 'web' } } }, { name: 'cache.payments.internal.', servers: { hostnames: ['web-3.corp.example'] } }] });
    const run = switchDns(inputWith({}), parameters, route53ClientFor(r53), waiting);

    await expect(run).rejects.toThrow(DnsSwitchError);
    await expect(run).rejects.toThrow('record cache.payments.internal.: the one matching server of wave web has no private IP; nothing to point it at');
    await expect(switchDns(inputWith({}), parseDnsSwitchParameters({ hostedZoneId: ZONE, records: [{ name: 'app.payments.internal.', servers: { tags: { Tier: 'app' } } }] }), route53ClientFor(r53), waiting)).rejects.toThrow(
      'record app.payments.internal.: no server of wave web matches {"tags":{"Tier":"app"}}; nothing to point it at',
    );
    expect(r53.countCalls('ChangeResourceRecordSets')).toBe(0);
    expect(valuesOf('web.payments.internal.')?.values).toEqual(['10.0.1.10']);
  });

  it('refuses bad parameters with the field and the fix', () => {
    const problems = (parameters: unknown) => {
      try {
        parseDnsSwitchParameters(parameters);
      } catch (error) {
        expect(error).toBeInstanceOf(DnsSwitchError);
        return (error as Error).message;
      }
      throw new Error('expected the parameters to be refused');
    };
    expect(problems({ records: [{ name: 'web.payments.internal.' }] })).toContain('parameters.hostedZoneId: hostedZoneId is required: the ID of the hosted zone holding the records (e.g. Z0123456789ABCDEFGHIJ)');
    expect(problems({ hostedZoneId: 'payments', records: [{ name: 'web.payments.internal.' }] })).toContain('parameters.hostedZoneId: a hosted zone ID is Z followed by upper-case letters and digits');
    expect(problems({ hostedZoneId: ZONE, records: [] })).toContain('parameters.records: records needs at least one record to switch');
    expect(problems({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.', servers: { tags: { Tier: 'web' }, hostnames: ['web-1'] } }] })).toContain('parameters.records.0.servers: name the servers one way: tags: {Key: value}, hostnames: [...] or sourceServerIds: [...]');
    expect(problems({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.' }], ttl: 'sixty' })).toContain('parameters.ttl: ');
    expect(problems({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.' }], timeout: 60 })).toContain('parameters: Unrecognized key: "timeout"');
    expect(problems({ hostedZoneId: ZONE, records: [{ name: 'web..internal' }] })).toContain('parameters.records.0.name: a record name is a DNS name such as web.payments.internal.');
    expect(parseDnsSwitchParameters({ hostedZoneId: `/hostedzone/${ZONE}`, records: [{ name: 'Web.Payments.Internal' }] })).toEqual({
      hostedZoneId: ZONE,
      ttl: 60,
      records: [{ name: 'web.payments.internal.' }],
      waitForInsync: true,
      timeoutSeconds: 120,
    });
  });

  it('gives up waiting for INSYNC after timeoutSeconds, saying the change stays applied', async () => {
    await r53.stop();
    r53 = await startLocalRoute53({ clock, scenario: { insyncSeconds: 600, hostedZones: [{ id: ZONE, name: 'payments.internal.' }] } });
    const parameters = parseDnsSwitchParameters({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.' }], timeoutSeconds: 9 });

    const run = switchDns(inputWith({}), parameters, route53ClientFor(r53), waiting);

    await expect(run).rejects.toThrow(DnsSwitchError);
    await expect(run).rejects.toThrow(/^change \/change\/C[A-Z0-9]+ to web\.payments\.internal\. was not INSYNC after 9 s \(still PENDING\); the records are changed and will sync: raise timeoutSeconds to wait longer$/);
    expect(sleeps).toEqual([2_000, 2_000, 2_000, 2_000, 1_000]);
    expect(valuesOf('web.payments.internal.')?.values).toEqual(['10.1.1.9', '10.1.1.20', '10.1.2.30']);
  });

  it('polls at the interval its environment sets (POLL_INTERVAL_SECONDS), 2 s without it, and refuses a bad one naming the fix', async () => {
    const parameters = parseDnsSwitchParameters({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.' }] });
    const result = await switchDns(inputWith({}), parameters, route53ClientFor(r53), { ...waiting, pollIntervalMs: pollIntervalMsFrom({ POLL_INTERVAL_SECONDS: '7.5' }) });

    expect(result.status).toBe('INSYNC');
    expect(sleeps).toEqual([7_500, 7_500, 7_500, 7_500]); // INSYNC 30 s after the change
    expect(pollIntervalMsFrom({})).toBe(2_000);
    for (const bad of ['0', 'fast', '61', '-1']) {
      expect(() => pollIntervalMsFrom({ POLL_INTERVAL_SECONDS: bad })).toThrow(
        `POLL_INTERVAL_SECONDS is "${bad}": set it to a number of seconds from 0.05 to 60 in the function's environment, or remove it for 2 s`,
      );
    }
  });

  it('says which zone Route 53 does not know', async () => {
    const parameters = parseDnsSwitchParameters({ hostedZoneId: 'ZNOSUCHZONE', records: [{ name: 'web.payments.internal.' }] });
    await expect(switchDns(inputWith({}), parameters, route53ClientFor(r53), waiting)).rejects.toThrow(
      'could not change the records web.payments.internal. in hosted zone ZNOSUCHZONE: NoSuchHostedZone: No hosted zone found with ID: ZNOSUCHZONE',
    );
  });
});

describe('the DNS switch Lambda handler', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('parses the action input and parameters and switches through the client at ROUTE53_ENDPOINT', async () => {
    vi.stubEnv('ROUTE53_ENDPOINT', r53.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', defaultCredentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', defaultCredentials.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', defaultCredentials.sessionToken);
    const { handler } = await import('../../actions/dns-switch/handler.ts');

    const result = await handler(inputWith({ hostedZoneId: ZONE, records: [{ name: 'web.payments.internal.', servers: { tags: { Tier: 'web' } } }], waitForInsync: false }));
    expect(result).toMatchObject({ status: 'PENDING', records: [{ name: 'web.payments.internal.', values: ['10.1.1.9', '10.1.1.20'] }] });
    expect(valuesOf('web.payments.internal.')?.values).toEqual(['10.1.1.9', '10.1.1.20']);

    await expect(handler({ plan: 'payments' })).rejects.toThrow(/^not an action input \(shared\/actions\/input\.ts\):\n- event\.mode: /);
    await expect(handler(inputWith({ hostedZoneId: ZONE }))).rejects.toThrow('parameters.records: records is required: a list of { name, servers? }');
  });

  it('fails its init on a POLL_INTERVAL_SECONDS that is not a number of seconds', async () => {
    vi.stubEnv('POLL_INTERVAL_SECONDS', '2s');
    await expect(import('../../actions/dns-switch/handler.ts')).rejects.toThrow('POLL_INTERVAL_SECONDS is "2s": set it to a number of seconds from 0.05 to 60');
  });
});
