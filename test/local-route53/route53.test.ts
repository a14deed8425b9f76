// The local Route 53 service driven by the unmodified @aws-sdk/client-route-53: ChangeResourceRecordSets,
// GetChange, ListResourceRecordSets and GetHostedZone as Route 53 answers them, changes PENDING until
// the service's (simulated) clock passes insyncSeconds, zones kept per account, SigV4 checked against
// the shared identity store, and the scenario block's validation.
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type Change,
} from '@aws-sdk/client-route-53';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_ID, defaultCredentials, IdentityStore, type Identity } from '#local/identity/index.ts';
import { parseRoute53Scenario, Route53ScenarioError, startLocalRoute53, type LocalRoute53 } from '#local/route53/index.ts';
import { route53ClientFor } from '#local/route53/client.ts';

const ZONE = 'Z0123456789ABCDEFGHIJ';
const OTHER_ACCOUNT = '222233334444';
const otherUser = { accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'other-secret' };
const identity: Identity = {
  accounts: [
    {
      id: DEFAULT_ACCOUNT_ID,
      principals: [{ arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/drs-orchestrator-function`, sessionName: 'drs-orchestrator-function', ...defaultCredentials }],
    },
    { id: OTHER_ACCOUNT, principals: [{ arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/operator`, ...otherUser }] },
  ],
};

/** A clock the test moves: the service answers in simulated time, as beside the local DRS service. */
let nowMs = Date.parse('2026-12-01T02:00:00Z');
const clock = { nowMs: () => nowMs, advance: () => {} };
const advance = (seconds: number) => {
  nowMs += seconds * 1000;
};

const upsert = (name: string, values: string[], ttl = 60): Change => ({
  Action: 'UPSERT',
  ResourceRecordSet: { Name: name, Type: 'A', TTL: ttl, ResourceRecords: values.map((Value) => ({ Value })) },
});

let r53: LocalRoute53;

beforeEach(async () => {
  nowMs = Date.parse('2026-12-01T02:00:00Z');
  r53 = await startLocalRoute53({
    identity: new IdentityStore(identity),
    clock,
    scenario: {
      insyncSeconds: 30,
      hostedZones: [
        {
          id: ZONE,
          name: 'payments.internal.',
          private: true,
          records: [
            { name: 'web.payments.internal.', type: 'A', ttl: 60, values: ['10.0.1.10'] },
            { name: 'db.payments.internal.', type: 'A', ttl: 300, values: ['10.0.2.20'] },
          ],
        },
        { id: 'ZOTHERACCOUNTZONE01', name: 'orders.internal.', account: OTHER_ACCOUNT },
      ],
    },
  });
});

afterEach(async () => {
  await r53.stop();
});

async function errorOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('the local Route 53 service, through the unmodified SDK', () => {
  it('UPSERTs a record: the change is PENDING, then INSYNC once insyncSeconds have passed on the service clock', async () => {
    const client = route53ClientFor(r53);
    const { ChangeInfo } = await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Comment: 'switch web', Changes: [upsert('web.payments.internal.', ['10.9.1.10', '10.9.1.11'])] } }));

    expect(ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'switch web', SubmittedAt: new Date('2026-12-01T02:00:00Z') });
    expect(ChangeInfo!.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);

    advance(29);
    expect((await client.send(new GetChangeCommand({ Id: ChangeInfo!.Id }))).ChangeInfo?.Status).toBe('PENDING');
    advance(1);
    expect((await client.send(new GetChangeCommand({ Id: ChangeInfo!.Id }))).ChangeInfo).toMatchObject({ Id: ChangeInfo!.Id, Status: 'INSYNC' });
    expect(r53.countCalls('GetChange')).toBe(2);
  });

  it('lists the new values at once, in Route 53 order, with the apex NS and SOA records', async () => {
    const client = route53ClientFor(r53);
    await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: `/hostedzone/${ZONE}`, ChangeBatch: { Changes: [upsert('Web.Payments.Internal', ['10.9.1.10'], 30)] } }));

    const { ResourceRecordSets, IsTruncated } = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE }));

    expect(IsTruncated).toBe(false);
    expect(ResourceRecordSets?.map((set) => `${set.Name} ${set.Type}`)).toEqual(['payments.internal. NS', 'payments.internal. SOA', 'db.payments.internal. A', 'web.payments.internal. A']);
    expect(ResourceRecordSets?.[3]).toEqual({ Name: 'web.payments.internal.', Type: 'A', TTL: 30, ResourceRecords: [{ Value: '10.9.1.10' }] });
    expect(r53.state().hostedZones[0]!.records.find((record) => record.name === 'web.payments.internal.')?.values).toEqual(['10.9.1.10']);
  });

  it('pages ListResourceRecordSets with maxitems, NextRecordName and NextRecordType', async () => {
    const client = route53ClientFor(r53);
    const first = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, MaxItems: 3 }));
    expect(first).toMatchObject({ IsTruncated: true, MaxItems: 3, NextRecordName: 'web.payments.internal.', NextRecordType: 'A' });
    expect(first.ResourceRecordSets).toHaveLength(3);

    const second = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, StartRecordName: first.NextRecordName, StartRecordType: first.NextRecordType, MaxItems: 3 }));
    expect(second.IsTruncated).toBe(false);
    expect(second.NextRecordName).toBeUndefined();
    expect(second.ResourceRecordSets?.map((set) => set.Name)).toEqual(['web.payments.internal.']);
  });

  it('refuses a CREATE of an existing record with InvalidChangeBatch, and applies nothing of the batch', async () => {
    const client = route53ClientFor(r53);
    const error = await errorOf(
      client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: ZONE,
          ChangeBatch: { Changes: [upsert('app.payments.internal.', ['10.0.3.30']), { Action: 'CREATE', ResourceRecordSet: { Name: 'web.payments.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.9.1.10' }] } }] },
        }),
      ),
    );

    expect(error.name).toBe('InvalidChangeBatch');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe("[Tried to create resource record set [name='web.payments.internal.', type='A'] but it already exists]");
    expect(r53.state().hostedZones[0]!.records.map((record) => record.name)).not.toContain('app.payments.internal.');
  });

  it('refuses a DELETE of a missing record, a DELETE with other values, and a name outside the zone', async () => {
    const client = route53ClientFor(r53);
    const change = (changes: Change[]) => errorOf(client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: changes } })));
    const del = (name: string, value: string, ttl = 60): Change => ({ Action: 'DELETE', ResourceRecordSet: { Name: name, Type: 'A', TTL: ttl, ResourceRecords: [{ Value: value }] } });

    expect((await change([del('nope.payments.internal.', '10.0.0.1')])).message).toBe("[Tried to delete resource record set [name='nope.payments.internal.', type='A'] but it was not found]");
    expect((await change([del('web.payments.internal.', '10.0.0.1')])).message).toBe("[Tried to delete resource record set [name='web.payments.internal.', type='A'] but the values provided do not match the current values]");
    const outside = await change([upsert('web.orders.internal.', ['10.0.0.1'])]);
    expect(outside.name).toBe('InvalidChangeBatch');
    expect(outside.message).toBe('[RRSet with DNS name web.orders.internal. is not permitted in zone payments.internal.]');

    // The matching values delete it.
    await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: [del('web.payments.internal.', '10.0.1.10')] } }));
    expect(r53.state().hostedZones[0]!.records.map((record) => record.name)).not.toContain('web.payments.internal.');
  });

  it('refuses a change without TTL and values, and an unknown action, with InvalidInput', async () => {
    const client = route53ClientFor(r53);
    const noValues = await errorOf(client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'web.payments.internal.', Type: 'A' } }] } })));
    expect(noValues.name).toBe('InvalidInput');
    expect(noValues.message).toContain('Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]');

    const badAction = await errorOf(client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: [{ ...upsert('web.payments.internal.', ['10.0.0.1']), Action: 'REPLACE' as 'UPSERT' }] } })));
    expect(badAction.name).toBe('InvalidInput');
    expect(badAction.message).toContain("Value 'REPLACE' at 'changeBatch.changes.1.member.action'");
  });

  it('answers an unknown zone NoSuchHostedZone (404) and an unknown change NoSuchChange', async () => {
    const client = route53ClientFor(r53);
    const change = await errorOf(client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'ZDOESNOTEXIST', ChangeBatch: { Changes: [upsert('web.payments.internal.', ['10.0.0.1'])] } })));
    expect(change.name).toBe('NoSuchHostedZone');
    expect(change.$metadata?.httpStatusCode).toBe(404);
    expect(change.message).toBe('No hosted zone found with ID: ZDOESNOTEXIST');
    expect((await errorOf(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZDOESNOTEXIST' })))).name).toBe('NoSuchHostedZone');
    expect((await errorOf(client.send(new GetChangeCommand({ Id: '/change/CNOSUCHCHANGE' })))).name).toBe('NoSuchChange');
  });

  it('describes a hosted zone (GetHostedZone) for a preflight check', async () => {
    const { HostedZone } = await route53ClientFor(r53).send(new GetHostedZoneCommand({ Id: ZONE }));
    expect(HostedZone).toMatchObject({ Id: `/hostedzone/${ZONE}`, Name: 'payments.internal.', Config: { PrivateZone: true }, ResourceRecordSetCount: 4 });
  });

  it("keeps zones per account: another account's credentials cannot see or change the zone", async () => {
    const other = route53ClientFor(r53, { credentials: otherUser });
    expect((await errorOf(other.send(new GetHostedZoneCommand({ Id: ZONE })))).name).toBe('NoSuchHostedZone');
    expect((await errorOf(other.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: [upsert('web.payments.internal.', ['10.6.6.6'])] } })))).name).toBe('NoSuchHostedZone');
    expect((await other.send(new GetHostedZoneCommand({ Id: 'ZOTHERACCOUNTZONE01' }))).HostedZone?.Name).toBe('orders.internal.');
    expect((await errorOf(route53ClientFor(r53).send(new GetHostedZoneCommand({ Id: 'ZOTHERACCOUNTZONE01' })))).name).toBe('NoSuchHostedZone');

    // A change is its account's too.
    const { ChangeInfo } = await route53ClientFor(r53).send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: [upsert('web.payments.internal.', ['10.9.1.10'])] } }));
    expect((await errorOf(other.send(new GetChangeCommand({ Id: ChangeInfo!.Id })))).name).toBe('NoSuchChange');
    expect(r53.state(OTHER_ACCOUNT).hostedZones.map((zone) => zone.id)).toEqual(['ZOTHERACCOUNTZONE01']);
  });

  it('refuses a bad signature, an unknown key and a signature for another service', async () => {
    const wrongSecret = await errorOf(route53ClientFor(r53, { credentials: { ...defaultCredentials, secretAccessKey: 'wrong' } }).send(new GetHostedZoneCommand({ Id: ZONE })));
    expect(wrongSecret.name).toBe('SignatureDoesNotMatch');
    expect(wrongSecret.$metadata?.httpStatusCode).toBe(403);
    expect((await errorOf(route53ClientFor(r53, { credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } }).send(new GetHostedZoneCommand({ Id: ZONE })))).name).toBe('InvalidClientTokenId');

    const unsigned = await fetch(`${r53.endpoint}/2013-04-01/hostedzone/${ZONE}`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(r53.calls().at(-1)).toMatchObject({ operation: 'GetHostedZone', status: 403, errorCode: 'MissingAuthenticationToken' });
  });
});

describe('the local Route 53 service, through the AWS CLI', () => {
  it('changes and lists records with --endpoint-url (the CLI signs for us-east-1 with the name route53)', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: defaultCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: defaultCredentials.secretAccessKey,
      AWS_SESSION_TOKEN: defaultCredentials.sessionToken,
    };
    const aws = (...args: string[]) => promisify(execFile)('aws', ['route53', ...args, '--endpoint-url', r53.endpoint, '--output', 'json'], { env });
    const batch = JSON.stringify({ Changes: [upsert('web.payments.internal.', ['10.9.1.10'])] });

    const changed = JSON.parse((await aws('change-resource-record-sets', '--hosted-zone-id', `/hostedzone/${ZONE}`, '--change-batch', batch)).stdout);
    const listed = JSON.parse((await aws('list-resource-record-sets', '--hosted-zone-id', ZONE, '--start-record-name', 'web.payments.internal.', '--start-record-type', 'A', '--max-items', '1')).stdout);

    expect(changed.ChangeInfo).toMatchObject({ Id: expect.stringMatching(/^\/change\/C/), Status: 'PENDING' });
    expect(listed.ResourceRecordSets).toEqual([{ Name: 'web.payments.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.9.1.10' }] }]);
    expect(r53.calls().map((call) => call.operation)).toEqual(['ChangeResourceRecordSets', 'ListResourceRecordSets']);
  });
});

describe('the route53: scenario block', () => {
  it('fills in the defaults', () => {
    const parsed = parseRoute53Scenario({ hostedZones: [{ id: ZONE, name: 'payments.internal.' }] });
    expect(parsed).toEqual({ insyncSeconds: 30, hostedZones: [{ id: ZONE, name: 'payments.internal.', private: false, records: [] }] });
    expect(parseRoute53Scenario(undefined)).toEqual({ insyncSeconds: 30, hostedZones: [] });
  });

  it('names each wrong field', () => {
    const attempt = () =>
      parseRoute53Scenario({
        insyncSeconds: -1,
        hostedZones: [{ id: 'not-a-zone', name: 'payments.internal.', account: 111122223333, records: [{ name: 'web.payments.internal.', type: 'A', values: [] }] }],
        extra: true,
      });
    expect(attempt).toThrow(Route53ScenarioError);
    expect(attempt).toThrow(/route53\.insyncSeconds: /);
    expect(attempt).toThrow(/route53\.hostedZones\.0\.id: a hosted zone ID is Z followed by/);
    expect(attempt).toThrow(/route53\.hostedZones\.0\.account: an account ID is a 12-digit string/);
    expect(attempt).toThrow(/route53\.hostedZones\.0\.records\.0\.values: a record has at least one value/);
    expect(attempt).toThrow(/route53: Unrecognized key: "extra"/);
  });

  it('refuses a record outside its zone, a record declared twice and a zone ID declared twice', () => {
    const attempt = () =>
      parseRoute53Scenario({
        hostedZones: [
          { id: ZONE, name: 'payments.internal.', records: [{ name: 'web.orders.internal.', type: 'A', values: ['10.0.0.1'] }, { name: 'a.payments.internal.', type: 'A', values: ['10.0.0.1'] }, { name: 'a.payments.internal.', type: 'A', values: ['10.0.0.2'] }] },
          { id: ZONE, name: 'orders.internal.' },
        ],
      });
    expect(attempt).toThrow(/route53\.hostedZones\.0\.records\.0\.name: web\.orders\.internal\. is not in zone payments\.internal\./);
    expect(attempt).toThrow(/route53\.hostedZones\.0\.records\.2: the A record a\.payments\.internal\. is declared twice/);
    expect(attempt).toThrow(/route53\.hostedZones\.1\.id: hosted zone Z0123456789ABCDEFGHIJ is declared twice/);
  });

  it('refuses to start on an invalid block', async () => {
    await expect(startLocalRoute53({ scenario: { hostedZones: [{ id: ZONE }] } })).rejects.toThrow(/route53\.hostedZones\.0\.name/);
  });
});
