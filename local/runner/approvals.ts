// Approval gates in a local run: the services file the approve and reject commands (and list,
// status, stop) read with `--local` (written while the run is in progress), and the automatic approver of
// `npm run local -- --approve-after <seconds>`, which decides each gate through the same path a
// person's command takes (the token from the lock table, GetCallerIdentity, SendTaskSuccess).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalDrs } from './local-drs.ts';

/** The file `npm run aws -- approve|reject --local` reads (cli/aws.ts, LocalServices). */
export const LOCAL_SERVICES_FILE_NAME = '.local-services.json';

export interface LocalServicesDocument {
  region: string;
  lockTable: string;
  endpoints: { dynamodb: string; stepFunctions: string; sts: string };
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The local workflows' ARNs, for `npm run aws -- list|status|stop --local`. */
  stateMachines: { recovery: string; failback: string };
}

/** Writes the services file into the reports folder; resolves with a function that removes it. */
export async function writeLocalServices(reportsDir: string, document: LocalServicesDocument): Promise<() => Promise<void>> {
  const path = join(reportsDir, LOCAL_SERVICES_FILE_NAME);
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
  return () => rm(path, { force: true });
}

/** How long the automatic approver waits for the gate's request to be stored, in real time. */
const STORED_WITHIN_MS = 30_000;

/**
 * Approves the gate of `execution` once `delaySeconds` of simulated time passed since it asked
 * (at speed 0 the clock is moved on by that much), as `approver`'s credentials: the comment says
 * it was automatic. Resolves when the decision was sent.
 */
export async function approveAfter(
  services: LocalServicesDocument,
  drs: Pick<LocalDrs, 'now' | 'advanceBy' | 'speed'>,
  speed: number,
  execution: string,
  token: string,
  delaySeconds: number,
): Promise<void> {
  const due = drs.now().getTime() + delaySeconds * 1000;
  while (drs.now().getTime() < due) {
    if (drs.speed <= 0 && speed <= 0) {
      drs.advanceBy((due - drs.now().getTime()) / 1000);
      break;
    }
    await sleep(10);
  }
  // Loaded here, with the clients they use: only runs with --approve-after need them.
  const [{ DynamoDBClient }, { SFNClient }, { STSClient }, { decideApproval }, { dynamoDbApprovalTokens }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/client-sfn'),
    import('@aws-sdk/client-sts'),
    import('#shared/approval/decide.ts'),
    import('#shared/lock/approval-tokens.ts'),
  ]);
  const config = { region: services.region, credentials: services.credentials };
  const tokens = dynamoDbApprovalTokens(new DynamoDBClient({ ...config, endpoint: services.endpoints.dynamodb }), services.lockTable);
  const sfn = new SFNClient({ ...config, endpoint: services.endpoints.stepFunctions });
  const sts = new STSClient({ ...config, endpoint: services.endpoints.sts });
  // The gate's step stores its request right after the token is issued: wait until this token's is there.
  const storedBy = Date.now() + STORED_WITHIN_MS;
  while ((await tokens.get(execution))?.token !== token) {
    if (Date.now() > storedBy) throw new Error(`the approval request of ${execution} was not stored within ${STORED_WITHIN_MS / 1000} s: did RequestApproval fail?`);
    await sleep(10);
  }
  await decideApproval({ execution, approve: true, comment: `approved automatically after ${delaySeconds} s (npm run local -- --approve-after)` }, { tokens, sfn, sts });
}
