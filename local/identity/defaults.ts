// The local world when a scenario declares no identity: the account the local services answer
// for by default (111122223333, as the local DRS service's default scenario) with a user and a
// function execution role, and a staging account (444455556666, the default scenario's staging
// account) with a role that account 111122223333's function role may assume.
import type { Identity } from './schema.ts';

export const DEFAULT_ACCOUNT_ID = '111122223333';
export const DEFAULT_STAGING_ACCOUNT_ID = '444455556666';

/**
 * The credentials tests and runners use for the default account: the function execution role's
 * session, as Lambda hands it to a function (access key, secret and session token).
 */
export const defaultCredentials = {
  accessKeyId: 'ASIALOCALFUNCTIONROLE',
  secretAccessKey: 'local-function-role-secret',
  sessionToken: 'local-function-role-session-token',
} as const;

/** Long-term keys of an IAM user of the default account (an operator at a terminal). */
export const defaultUserCredentials = {
  accessKeyId: 'AKIALOCALOPERATOR000',
  secretAccessKey: 'local-operator-secret',
} as const;

export const DEFAULT_FUNCTION_ROLE_ARN = `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/drs-orchestrator-function`;
export const DEFAULT_STAGING_ROLE_ARN = `arn:aws:iam::${DEFAULT_STAGING_ACCOUNT_ID}:role/drs-orchestrator-access`;

export const defaultIdentity: Identity = {
  accounts: [
    {
      id: DEFAULT_ACCOUNT_ID,
      alias: 'recovery',
      principals: [
        { arn: DEFAULT_FUNCTION_ROLE_ARN, sessionName: 'drs-orchestrator-function', ...defaultCredentials },
        { arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:user/operator`, ...defaultUserCredentials },
      ],
    },
    {
      id: DEFAULT_STAGING_ACCOUNT_ID,
      alias: 'staging',
      roles: [{ arn: DEFAULT_STAGING_ROLE_ARN, trust: { principals: [DEFAULT_FUNCTION_ROLE_ARN] } }],
    },
  ],
};
