// The identity store as the other local services use it in-process: the world a scenario
// declares, trust decisions, and SigV4 verification of requests signed the way the SDK signs.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { buildQueryString } from '@smithy/querystring-builder';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ACCOUNT_ID,
  IdentityError,
  IdentityStore,
  defaultCredentials,
  loadIdentity,
  parseAuthorizationHeader,
  parseIdentity,
  type Identity,
  type SignedRequest,
} from '#local/identity/index.ts';
import { ADMIN_ROLE, EXTERNAL_ID, MALLORY, OPERATOR, RECOVERY, STAGING_ROLE, operator, testIdentity } from './helpers.ts';

/** The SHA-256 constructor the SDK's signer uses in Node. */
const Sha256 = Hash.bind(null, 'sha256');

const scenarioYaml = `
seed: 7                 # the rest of the scenario belongs to other services
identity:
  accounts:
    - id: "111122223333"
      alias: recovery
      principals:
        - arn: arn:aws:iam::111122223333:role/drs-orchestrator-function
          sessionName: start-wave
          accessKeyId: ASIAFUNCTIONROLE0001
          secretAccessKey: function-secret
          sessionToken: function-session-token
        - arn: arn:aws:iam::111122223333:user/operator
          accessKeyId: AKIAOPERATOR00000001
          secretAccessKey: operator-secret
    - id: "444455556666"
      alias: staging
      roles:
        - arn: arn:aws:iam::444455556666:role/drs-orchestrator-access
          maxSessionDuration: 7200
          trust:
            principals: [arn:aws:iam::111122223333:role/drs-orchestrator-function]
            externalId: drs-orchestrator-7f3a
`;

async function scenarioFile(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'identity-')), 'scenario.yaml');
  await writeFile(path, text);
  return path;
}

function problemsOf(identity: unknown): string {
  try {
    parseIdentity(identity);
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    return (error as Error).message;
  }
  throw new Error('expected the identity to be refused');
}

/** `identity` with one change to a copy. */
function changed(edit: (identity: any) => void): Identity {
  const copy = structuredClone(testIdentity);
  edit(copy);
  return copy;
}

describe('the identity fragment of a scenario', () => {
  it('reads the accounts, principals and roles of a scenario file, filling in defaults', async () => {
    const identity = await loadIdentity(await scenarioFile(scenarioYaml), { accounts: [] });

    expect(identity.accounts.map((a) => [a.id, a.alias])).toEqual([['111122223333', 'recovery'], ['444455556666', 'staging']]);
    expect(identity.accounts[0]!.roles).toEqual([]);
    expect(identity.accounts[1]!.roles[0]).toMatchObject({ maxSessionDuration: 7200, trust: { externalId: 'drs-orchestrator-7f3a' } });
  });

  it('falls back to the given world when a scenario declares no identity', async () => {
    const identity = await loadIdentity(await scenarioFile('seed: 7\n'), testIdentity);

    expect(identity.accounts.map((a) => a.id)).toEqual(['111122223333', '444455556666', '777788889999']);
  });

  it('names the field of each mistake, unknown keys included', () => {
    const message = problemsOf(
      changed((identity) => {
        identity.accounts[0].id = 111122223333;
        identity.accounts[1].roles[0].trust.externalID = 'typo';
        identity.accounts[2].principals[0].accessKeyId = 'mallory';
      }),
    );

    expect(message).toContain('identity.accounts.0.id: an account ID is a 12-digit string (quote it in YAML: "111122223333")');
    expect(message).toContain('identity.accounts.1.roles.0.trust: Unrecognized key: "externalID"');
    expect(message).toContain('identity.accounts.2.principals.0.accessKeyId: an access key ID is AKIA (long-term) or ASIA (temporary)');
  });

  it.each([
    ['a principal declared in another account', (i: any) => (i.accounts[2].principals[0].arn = OPERATOR), `identity.accounts.2.principals.0.arn: ${OPERATOR} belongs to account ${RECOVERY}, not 777788889999`],
    ['role credentials without a session token', (i: any) => delete i.accounts[0].principals[0].sessionToken, 'identity.accounts.0.principals.0.sessionToken: role credentials are temporary: a sessionToken is required'],
    ['a user key that is not AKIA…', (i: any) => (i.accounts[0].principals[1].accessKeyId = 'ASIAOPERATOR00000001'), 'identity.accounts.0.principals.1.accessKeyId: long-term keys of a user start with AKIA'],
    ['an access key used twice', (i: any) => (i.accounts[2].principals[0].accessKeyId = operator.accessKeyId), `identity.accounts.2.principals.0.accessKeyId: access key ${operator.accessKeyId} is already used by ${OPERATOR}`],
    ['a trust policy naming an undeclared role', (i: any) => i.accounts[1].roles[0].trust.principals.push(`arn:aws:iam::${RECOVERY}:role/typo`), `identity.accounts.1.roles.0.trust.principals.1: arn:aws:iam::${RECOVERY}:role/typo is not a declared principal or role`],
    ['a role ARN that is a user ARN', (i: any) => (i.accounts[0].roles[0].arn = `arn:aws:iam::${RECOVERY}:user/admin`), `identity.accounts.0.roles.0.arn: arn:aws:iam::${RECOVERY}:user/admin is not arn:aws:iam::<account>:role/<name>`],
    ['a MaxSessionDuration over 12 hours', (i: any) => (i.accounts[0].roles[0].maxSessionDuration = 50_000), 'identity.accounts.0.roles.0.maxSessionDuration: maxSessionDuration is 3600 to 43200 seconds (1 to 12 hours)'],
  ])('refuses %s', (_case, edit, expected) => {
    expect(problemsOf(changed(edit))).toContain(expected);
  });

  it('gives the default world the default credentials, in the default account', () => {
    const store = new IdentityStore();

    expect(store.identityOf(defaultCredentials.accessKeyId)).toMatchObject({ account: DEFAULT_ACCOUNT_ID, principalKind: 'role' });
    expect(store.identityOf('AKIANOBODYHASTHIS001')).toBeUndefined();
  });
});

describe('trust decisions', () => {
  const store = new IdentityStore(testIdentity);
  const caller = (accessKeyId: string) => store.identityOf(accessKeyId)!;

  it('gives the reason of each denial, which STS answers alike as AccessDenied', () => {
    const functionSession = caller('ASIAFUNCTIONROLE0001');

    expect(store.evaluateTrust(STAGING_ROLE, functionSession, EXTERNAL_ID)).toMatchObject({ allowed: true, role: { arn: STAGING_ROLE } });
    expect(store.evaluateTrust(STAGING_ROLE, functionSession, 'wrong')).toEqual({ allowed: false, reason: 'externalIdMismatch' });
    expect(store.evaluateTrust(STAGING_ROLE, caller(operator.accessKeyId), EXTERNAL_ID)).toEqual({ allowed: false, reason: 'principalNotTrusted' });
    expect(store.evaluateTrust(ADMIN_ROLE, caller('AKIAMALLORY000000001'), undefined)).toEqual({ allowed: false, reason: 'principalNotTrusted' });
    expect(store.evaluateTrust(`${ADMIN_ROLE}-gone`, functionSession, undefined)).toEqual({ allowed: false, reason: 'unknownRole' });
    expect(store.evaluateTrust(ADMIN_ROLE, caller('AKIAROOT000000000001'), undefined)).toEqual({ allowed: false, reason: 'rootCaller' });
    expect(caller('AKIAMALLORY000000001').arn).toBe(MALLORY);
  });
});

describe('SigV4 verification of requests as the SDK signs them', () => {
  const store = new IdentityStore(testIdentity);
  const signer = new SignatureV4({ service: 'drs', region: 'eu-west-1', credentials: operator, sha256: Sha256 });

  /** Signs like the SDK (path and query as the restJson1 serializer encodes them) and returns what the server receives. */
  async function signedDrsRequest(path: string, query: Record<string, string | string[]>, headers: Record<string, string>, body: string): Promise<SignedRequest> {
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4600, path, query, headers: { host: '127.0.0.1:4600', ...headers }, body });
    const queryString = buildQueryString(query);
    const received = Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]));
    return { method: 'POST', url: queryString ? `${path}?${queryString}` : path, headers: received, body };
  }

  it('accepts an encoded ARN path, repeated and non-ASCII query parameters and odd header spacing, and tells the account and Region', async () => {
    const arn = encodeURIComponent('arn:aws:drs:eu-west-1:111122223333:source-server/s-36910523548b73747');
    const request = await signedDrsRequest(`/tags/${arn}`, { tagKeys: ['Tier', 'Application'], note: 'café au lait', 'a~b': '*' }, { 'content-type': 'application/json', 'x-custom': '  two   spaces ' }, '{"tags":{"k":"v"}}');

    const result = store.authenticate(request, { service: 'drs' });

    expect(result).toMatchObject({ ok: true, caller: { account: RECOVERY, arn: OPERATOR }, region: 'eu-west-1', service: 'drs' });
  });

  it.each([
    ['another path', (r: SignedRequest) => ({ ...r, url: r.url.replace('/tags/', '/tag/') })],
    ['another body', (r: SignedRequest) => ({ ...r, body: '{"tags":{}}' })],
    ['a changed signed header', (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain' } })],
  ])('refuses a request whose content differs from what was signed: %s', async (_case, tamper) => {
    const request = await signedDrsRequest('/tags/abc', { a: '1' }, { 'content-type': 'application/json' }, '{"tags":{"k":"v"}}');

    const result = store.authenticate(tamper(request), { service: 'drs' });

    expect(result).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('parses the Authorization header into key, scope, signed headers and signature', () => {
    const parsed = parseAuthorizationHeader('AWS4-HMAC-SHA256 Credential=AKIAOPERATOR00000001/20260105/eu-west-1/drs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123');
    const incomplete = parseAuthorizationHeader('AWS4-HMAC-SHA256 Credential=AKIAOPERATOR00000001/20260105/eu-west-1/drs/aws4_request');

    expect(parsed).toEqual({ accessKeyId: 'AKIAOPERATOR00000001', date: '20260105', region: 'eu-west-1', service: 'drs', signedHeaders: ['host', 'x-amz-date'], signature: 'abc123' });
    expect(incomplete).toMatch(/^Authorization header requires 'SignedHeaders' parameter\. Authorization header requires 'Signature' parameter\./);
  });
});
