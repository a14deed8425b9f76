// The identity world the stand-ins' tests share: the recovery account with the orchestrator's
// function role and an operator, an outsider's account with mallory, and their credentials, so
// that every service's tests sign as the same principals.
import type { Identity } from '#local/identity/index.ts';

export const RECOVERY = '111122223333';
export const OUTSIDER = '777788889999';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const functionRole: StaticCredentials = { accessKeyId: 'ASIAFUNCTIONROLE0001', secretAccessKey: 'function-secret', sessionToken: 'function-session-token' };
export const operator: StaticCredentials = { accessKeyId: 'AKIAOPERATOR00000001', secretAccessKey: 'operator-secret' };
export const mallory: StaticCredentials = { accessKeyId: 'AKIAMALLORY000000001', secretAccessKey: 'mallory-secret' };

/** The recovery account (the function role, its sessions named `sessionName`, and the operator) and the outsider's. */
export function recoveryAndOutsider(sessionName: string): Identity {
  return {
    accounts: [
      {
        id: RECOVERY,
        alias: 'recovery',
        principals: [
          { arn: `arn:aws:iam::${RECOVERY}:role/drs-orchestrator-function`, sessionName, ...functionRole },
          { arn: `arn:aws:iam::${RECOVERY}:user/operator`, ...operator },
        ],
      },
      { id: OUTSIDER, principals: [{ arn: `arn:aws:iam::${OUTSIDER}:user/mallory`, ...mallory }] },
    ],
  };
}
