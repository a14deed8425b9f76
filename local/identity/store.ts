// The identity store the local services share in-process: who an access key belongs to, the
// temporary credentials STS mints for role sessions, and the trust policies of roles. Services
// ask it who signed a request (`authenticate`, `identityOf`); only the local STS service mints.
import { createHash, randomBytes } from 'node:crypto';
import { accountRootArn, assumedRoleArn, parseIamArn, type PrincipalKind } from './arn.ts';
import { defaultIdentity } from './defaults.ts';
import { parseIdentity, type Identity, type ParsedIdentity } from './schema.ts';
import { verifySignedRequest, type AuthResult, type SignedRequest } from './sigv4.ts';

/** Who a request's credentials belong to, as GetCallerIdentity tells it. */
export interface CallerIdentity {
  account: string;
  /** The user or root ARN, or `arn:aws:sts::<account>:assumed-role/<role>/<session>` for a role session. */
  arn: string;
  /** AIDA… for a user, `AROA…:<session>` for a role session, the account ID for root. */
  userId: string;
  /** The IAM principal behind the credentials (the role's ARN for a role session): what trust policies name. */
  principalArn: string;
  principalKind: PrincipalKind;
}

export interface StoredCredentials extends CallerIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface StoredRole {
  arn: string;
  account: string;
  name: string;
  /** AROA…: the unique ID IAM gives a role (derived from the ARN, so stable across runs). */
  roleId: string;
  maxSessionDuration: number;
  trust: { principals: string[]; externalId?: string };
}

export type TrustDecision =
  | { allowed: true; role: StoredRole }
  | { allowed: false; reason: 'unknownRole' | 'rootCaller' | 'principalNotTrusted' | 'externalIdMismatch' };

export interface IdentityStoreOptions {
  /** The clock of credential expiry and request signing times; default the real time. */
  now?: () => Date;
}

/** IAM's unique IDs are a four-letter prefix and 17 upper-case letters or digits. */
function uniqueIdFor(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + Array.from(digest.subarray(0, 17), (byte) => alphabet[byte % 32]).join('');
}

function randomKeyId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + Array.from(randomBytes(16), (byte) => alphabet[byte % 32]).join('');
}

export class IdentityStore {
  readonly identity: ParsedIdentity;
  readonly now: () => Date;
  private readonly credentialsByKey = new Map<string, StoredCredentials>();
  private readonly rolesByArn = new Map<string, StoredRole>();

  /** @param identity an identity fragment (validated here) or one already parsed; default the local default world. */
  constructor(identity: Identity | ParsedIdentity = defaultIdentity, options: IdentityStoreOptions = {}) {
    this.identity = parseIdentity(identity);
    this.now = options.now ?? (() => new Date());
    for (const account of this.identity.accounts) {
      for (const principal of account.principals) {
        const parsed = parseIamArn(principal.arn)!;
        const caller = parsed.kind === 'role'
          ? this.roleSession(account.id, parsed.name, principal.arn, principal.sessionName ?? parsed.name)
          : { account: account.id, arn: principal.arn, userId: parsed.kind === 'root' ? account.id : uniqueIdFor('AIDA', principal.arn), principalArn: principal.arn, principalKind: parsed.kind };
        this.credentialsByKey.set(principal.accessKeyId, {
          ...caller,
          accessKeyId: principal.accessKeyId,
          secretAccessKey: principal.secretAccessKey,
          ...(principal.sessionToken ? { sessionToken: principal.sessionToken } : {}),
          ...(principal.expiration ? { expiration: new Date(principal.expiration) } : {}),
        });
      }
      for (const role of account.roles) {
        const parsed = parseIamArn(role.arn)!;
        this.rolesByArn.set(role.arn, {
          arn: role.arn,
          account: account.id,
          name: parsed.name,
          roleId: uniqueIdFor('AROA', role.arn),
          maxSessionDuration: role.maxSessionDuration,
          trust: { principals: [...role.trust.principals], ...(role.trust.externalId ? { externalId: role.trust.externalId } : {}) },
        });
      }
    }
  }

  private roleSession(account: string, roleName: string, roleArn: string, sessionName: string): CallerIdentity {
    return {
      account,
      arn: assumedRoleArn(account, roleName, sessionName),
      userId: `${uniqueIdFor('AROA', roleArn)}:${sessionName}`,
      principalArn: roleArn,
      principalKind: 'role',
    };
  }

  /** The accounts of the world, with their aliases. */
  accounts(): Array<{ id: string; alias?: string }> {
    return this.identity.accounts.map(({ id, alias }) => ({ id, ...(alias ? { alias } : {}) }));
  }

  /** Everything known about an access key (declared or minted), expired or not; undefined if unknown. */
  credentials(accessKeyId: string): StoredCredentials | undefined {
    return this.credentialsByKey.get(accessKeyId);
  }

  /** The account and caller ARN an access key belongs to; undefined if unknown. */
  identityOf(accessKeyId: string): CallerIdentity | undefined {
    const found = this.credentialsByKey.get(accessKeyId);
    if (!found) return undefined;
    const { account, arn, userId, principalArn, principalKind } = found;
    return { account, arn, userId, principalArn, principalKind };
  }

  role(arn: string): StoredRole | undefined {
    return this.rolesByArn.get(arn);
  }

  /**
   * Whether `caller` may assume `roleArn` under its trust policy. An account root principal
   * trusts every principal of that account (identity policies are not modelled: they are taken
   * to allow sts:AssumeRole); a role ARN trusts every session of that role. A required external
   * ID must match exactly. Root users may not assume roles at all, as in AWS.
   */
  evaluateTrust(roleArn: string, caller: CallerIdentity, externalId?: string): TrustDecision {
    const role = this.rolesByArn.get(roleArn);
    if (!role) return { allowed: false, reason: 'unknownRole' };
    if (caller.principalKind === 'root') return { allowed: false, reason: 'rootCaller' };
    const trusted = role.trust.principals.some((principal) => principal === accountRootArn(caller.account) || principal === caller.principalArn);
    if (!trusted) return { allowed: false, reason: 'principalNotTrusted' };
    if (role.trust.externalId !== undefined && role.trust.externalId !== externalId) return { allowed: false, reason: 'externalIdMismatch' };
    return { allowed: true, role };
  }

  /**
   * Mints temporary credentials for a session of `role` (ASIA… key, secret, session token,
   * expiration `durationSeconds` from now) and remembers them, so every local service sharing
   * this store accepts them until they expire.
   */
  mintRoleSession(role: StoredRole, sessionName: string, durationSeconds: number): StoredCredentials {
    const credentials: StoredCredentials = {
      ...this.roleSession(role.account, role.name, role.arn, sessionName),
      accessKeyId: randomKeyId('ASIA'),
      secretAccessKey: randomBytes(30).toString('base64'),
      // Real session tokens are long opaque base64 blobs; SDKs must not assume a size.
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(192).toString('base64')}`,
      // STS reports expirations to the second.
      expiration: new Date(Math.floor(this.now().getTime() / 1000) * 1000 + durationSeconds * 1000),
    };
    this.credentialsByKey.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  /**
   * Authenticates a SigV4-signed request (Authorization header): the access key must be known,
   * its session token present and right, the credential scope name `service`, the signature
   * match, the request time be within 15 minutes of now and the credentials not expired.
   * A failure carries the common AWS error code; each service answers it in its own protocol.
   */
  authenticate(request: SignedRequest, options: { service: string }): AuthResult {
    return verifySignedRequest(request, { service: options.service, now: this.now(), credentialsOf: (key) => this.credentials(key) });
  }
}
