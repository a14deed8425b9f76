// The local IAM world as a scenario declares it (its `identity:` fragment): accounts, the
// long-term credentials of their principals, and roles with trust policies. One strict zod
// schema: an unknown key is an error, as a typo in a trust policy must not silently widen or
// narrow who may assume a role. Errors name the field.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseIamArn } from './arn.ts';

const accountId = z
  .string({ error: 'an account ID is a 12-digit string (quote it in YAML: "111122223333")' })
  .regex(/^\d{12}$/, 'an account ID is 12 digits');

// Real access key IDs are 20 characters, AKIA… for long-term keys and ASIA… for temporary ones;
// STS's model allows 16-128 word characters.
const accessKeyId = z
  .string()
  .regex(/^A[KS]IA[A-Z0-9]{12,124}$/, 'an access key ID is AKIA (long-term) or ASIA (temporary) and 12 or more upper-case letters or digits');

// Patterns from the STS model (botocore sts-2011-06-15): roleSessionNameType, externalIdType.
const sessionName = z.string().regex(/^[\w+=,.@-]{2,64}$/, 'a session name is 2-64 characters of letters, digits and +=,.@_-');
const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'an external ID is 2-1224 characters of letters, digits and +=,.@:/_-');

const principalSchema = z.strictObject({
  /** arn:aws:iam::<account>:user/<name>, :role/<name> (e.g. a function's execution role) or :root. */
  arn: z.string(),
  accessKeyId,
  secretAccessKey: z.string().min(1, 'a secret access key is required'),
  /** Role credentials are temporary: they come with a session token, as Lambda hands them over. */
  sessionToken: z.string().min(1).optional(),
  /** Role principals: the session the credentials belong to (default: the role name). */
  sessionName: sessionName.optional(),
  /** When the credentials stop working (ExpiredToken); default never. */
  expiration: z.iso.datetime({ offset: true }).optional(),
});

const roleSchema = z.strictObject({
  arn: z.string(),
  /** IAM MaxSessionDuration: 1 to 12 hours, default 1 hour. */
  maxSessionDuration: z
    .number()
    .int('maxSessionDuration is whole seconds')
    .min(3600, 'maxSessionDuration is 3600 to 43200 seconds (1 to 12 hours)')
    .max(43_200, 'maxSessionDuration is 3600 to 43200 seconds (1 to 12 hours)')
    .default(3600),
  trust: z.strictObject({
    /**
     * Who may call AssumeRole: `arn:aws:iam::<account>:root` (any principal of that account, as
     * when an account is the trust policy's principal) or a declared user or role ARN.
     */
    principals: z.array(z.string()).min(1, 'a trust policy names at least one principal'),
    /** The `sts:ExternalId` condition: the caller must pass exactly this ExternalId. */
    externalId: externalId.optional(),
  }),
});

const accountSchema = z.strictObject({
  id: accountId,
  /** IAM account alias rules: 3-63 lower-case letters, digits and hyphens. */
  alias: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'an account alias is 3-63 lower-case letters, digits and hyphens').optional(),
  principals: z.array(principalSchema).default([]),
  roles: z.array(roleSchema).default([]),
});

type Context = z.RefinementCtx;
type RawIdentity = { accounts: z.output<typeof accountSchema>[] };

/** Checks across fields: ARNs belong to their account, keys are unique, trusted principals exist. */
function checkWorld(identity: RawIdentity, ctx: Context): void {
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const seenAccounts = new Set<string>();
  const seenKeys = new Map<string, string>();
  const declaredPrincipals = new Set<string>();
  const declaredRoles = new Set<string>();

  identity.accounts.forEach((account, a) => {
    if (seenAccounts.has(account.id)) problem(['accounts', a, 'id'], `account ${account.id} is declared twice`);
    seenAccounts.add(account.id);

    account.principals.forEach((principal, p) => {
      const path = ['accounts', a, 'principals', p];
      const parsed = parseIamArn(principal.arn);
      if (!parsed) return problem([...path, 'arn'], `${principal.arn} is not arn:aws:iam::<account>:user/<name>, :role/<name> or :root`);
      if (parsed.account !== account.id) problem([...path, 'arn'], `${principal.arn} belongs to account ${parsed.account}, not ${account.id}`);
      declaredPrincipals.add(principal.arn);
      const where = seenKeys.get(principal.accessKeyId);
      if (where) problem([...path, 'accessKeyId'], `access key ${principal.accessKeyId} is already used by ${where}`);
      seenKeys.set(principal.accessKeyId, principal.arn);
      if (parsed.kind === 'role') {
        if (!principal.accessKeyId.startsWith('ASIA')) problem([...path, 'accessKeyId'], 'role credentials are temporary: their access key ID starts with ASIA');
        if (!principal.sessionToken) problem([...path, 'sessionToken'], 'role credentials are temporary: a sessionToken is required');
      } else {
        if (!principal.accessKeyId.startsWith('AKIA')) problem([...path, 'accessKeyId'], `long-term keys of a ${parsed.kind === 'root' ? 'root user' : 'user'} start with AKIA`);
        if (principal.sessionToken) problem([...path, 'sessionToken'], 'long-term keys have no session token');
        if (principal.sessionName) problem([...path, 'sessionName'], 'only role credentials belong to a session');
      }
    });

    account.roles.forEach((role, r) => {
      const parsed = parseIamArn(role.arn);
      if (parsed?.kind !== 'role') return problem(['accounts', a, 'roles', r, 'arn'], `${role.arn} is not arn:aws:iam::<account>:role/<name>`);
      if (parsed.account !== account.id) problem(['accounts', a, 'roles', r, 'arn'], `${role.arn} belongs to account ${parsed.account}, not ${account.id}`);
      if (declaredRoles.has(role.arn)) problem(['accounts', a, 'roles', r, 'arn'], `role ${role.arn} is declared twice`);
      declaredRoles.add(role.arn);
    });
  });

  // As IAM refuses a trust policy naming a user or role that does not exist ("Invalid principal
  // in policy"), so does the schema: a misspelt principal would otherwise just never match.
  identity.accounts.forEach((account, a) => {
    account.roles.forEach((role, r) => {
      role.trust.principals.forEach((arn, t) => {
        const path = ['accounts', a, 'roles', r, 'trust', 'principals', t];
        const parsed = parseIamArn(arn);
        if (!parsed) return problem(path, `${arn} is not arn:aws:iam::<account>:root or a user or role ARN`);
        if (parsed.kind === 'root') return;
        if (!declaredPrincipals.has(arn) && !declaredRoles.has(arn)) problem(path, `${arn} is not a declared principal or role (IAM: "Invalid principal in policy")`);
      });
    });
  });
}

export const identitySchema = z
  .strictObject({ accounts: z.array(accountSchema).min(1, 'declare at least one account') })
  .superRefine(checkWorld);

/** An identity fragment as written (defaults optional). */
export type Identity = z.input<typeof identitySchema>;
/** An identity fragment with its defaults filled in. */
export type ParsedIdentity = z.output<typeof identitySchema>;
export type IdentityAccount = ParsedIdentity['accounts'][number];
export type DeclaredPrincipal = IdentityAccount['principals'][number];
export type DeclaredRole = IdentityAccount['roles'][number];

export class IdentityError extends Error {
  override name = 'IdentityError';
}

/**
 * Validates an identity fragment; the error lists every wrong field by its path.
 * @param source names the fragment in the message (a file, `scenario.identity`).
 */
export function parseIdentity(identity: unknown, source = 'identity'): ParsedIdentity {
  const result = identitySchema.safeParse(identity);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${[source, ...issue.path].join('.')}: ${issue.message}`);
    throw new IdentityError(`${source} is not a valid identity declaration:\n${problems.join('\n')}`);
  }
  return result.data;
}

/**
 * Reads the `identity:` fragment of a YAML or JSON scenario file. A scenario without one gets
 * `fallback` (the default local world, unless the caller says otherwise).
 */
export async function loadIdentity(path: string, fallback: Identity): Promise<ParsedIdentity> {
  const text = await readFile(path, 'utf8');
  let document: unknown;
  try {
    document = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new IdentityError(`${path} cannot be parsed: ${(error as Error).message}`, { cause: error });
  }
  const fragment = (document as { identity?: unknown } | null)?.identity;
  return parseIdentity(fragment ?? fallback, fragment === undefined ? 'default identity' : `${path}: identity`);
}
