// The keys of the lock table: one table, one string partition key `pk`, no sort key, no index.
// What an item is, is the prefix of its key, so the kinds of item later issues add (task tokens of
// event-driven waits) joined the same table without a migration:
//
//   pk = "plan#<plan name>"      a plan's run lock: the one execution that may run the plan now
//   pk = "token#<execution>"     the task token an approval gate of the execution waits on
//                                (approval-tokens.ts), found by the approve and reject commands
//   pk = "action#<execution>#<wave>#<phase>#<action>"
//                                an action step's ledger entry (action-ledger.ts): started, what, how it ended
//   pk = "wait#<execution>"      the task token a wave waiting for its launch waits on, and the jobs
//                                with servers still launching (wave-waits.ts)
//   pk = "wjob#<job ID>"         such a job: its execution and the servers the wait waits for (wave-waits.ts)
//   pk = "sight#<execution>#<wave index>"
//                                a completed wave's sightings, for the run's report (wave-sightings.ts)
//   pk = "wsrv#<execution>#<wave index>"
//                                the servers of a wave DRS's quotas held back, for its later rounds (wave-servers.ts)
//
// Every item carries `expiresAt` (epoch seconds, a Number): the moment it stops meaning anything.
// It is the table's TTL attribute on AWS, so forgotten items go away by themselves (DynamoDB
// deletes expired items within days, not at once: readers compare `expiresAt` themselves).

/** The prefix of each kind of item; a key is `<prefix>#<id>`. */
export const KEY_PREFIX = {
  planLock: 'plan',
  taskToken: 'token',
  action: 'action',
  waveWait: 'wait',
  waveJob: 'wjob',
  waveSightings: 'sight',
  waveServers: 'wsrv',
} as const;

/** The name of the partition key attribute (a string). */
export const PARTITION_KEY = 'pk';

/** The name of the attribute DynamoDB's TTL reads (epoch seconds). */
export const EXPIRES_AT = 'expiresAt';

/** `plan#payments`: the key of a plan's run lock (plan names are `[a-z0-9-]`, so it is unambiguous). */
export function planLockKey(plan: string): string {
  return `${KEY_PREFIX.planLock}#${plan}`;
}

/**
 * The lock table's definition, as serverless.yml's LockTable declares it (the package test checks
 * they agree): the local runner creates it so, in the local DynamoDB service.
 */
export function lockTableDefinition(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' as const }],
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' as const }],
  };
}
