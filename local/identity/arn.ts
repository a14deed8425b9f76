// The IAM ARNs the local identity world knows: an account's root, its users and roles (with an
// optional path), and the STS session ARN a role session shows to GetCallerIdentity.
// Shapes per the IAM User Guide, "IAM identifiers": arn:aws:iam::<account>:user/<path><name>,
// arn:aws:iam::<account>:role/<path><name>, arn:aws:iam::<account>:root, and
// arn:aws:sts::<account>:assumed-role/<role name>/<session name> (the role's path is dropped).

export type PrincipalKind = 'root' | 'user' | 'role';

export interface IamArn {
  kind: PrincipalKind;
  account: string;
  /** The user or role name without its path; the account ID for root. */
  name: string;
  arn: string;
}

// IAM names: letters, digits and +=,.@_- (at most 64); a path is `/` or `/segments/` of printable
// ASCII, shown in the ARN between the resource type and the name.
const IAM_ARN = /^arn:aws:iam::(\d{12}):(?:(root)|(user|role)\/((?:[\x21-\x2e\x30-\x7e]+\/)*)([\w+=,.@-]{1,64}))$/;

/** Parses an IAM root, user or role ARN; undefined for anything else. */
export function parseIamArn(arn: string): IamArn | undefined {
  const match = IAM_ARN.exec(arn);
  if (!match) return undefined;
  const [, account, root, kind, , name] = match;
  if (root) return { kind: 'root', account: account!, name: account!, arn };
  return { kind: kind as 'user' | 'role', account: account!, name: name!, arn };
}

export const accountRootArn = (account: string) => `arn:aws:iam::${account}:root`;

/** The ARN GetCallerIdentity returns for a session of `roleName` in `account`. */
export const assumedRoleArn = (account: string, roleName: string, sessionName: string) =>
  `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
