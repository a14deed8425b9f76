// The waits of waves for their launch, in the lock table. `wait#<execution>` holds the task token
// the wave's WaitForLaunch step waits on, when it ends (every job done, or any one), and the jobs
// with servers still launching; `wjob#<job ID>` holds, per such job, its execution and those
// servers. A batch of launch results of one job removes its servers in one write that returns them
// as they were, and the write that empties a job removes it from the wait the same way, so
// concurrent and repeated events are decided by DynamoDB: the arrival that ends the wait claims it
// (`resumedAt`), and the workflow is resumed once. Items stay small (a job has at most 100 servers),
// so a 1,000-server wave costs about one write per event, not one per event and server.
import { BatchWriteItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { jobEndsWait, stillLaunching, type LaunchWait, type Wake } from '#shared/handoff/launch-wait.ts';
import { conditionally } from './dynamodb-table.ts';
import { EXPIRES_AT, KEY_PREFIX, PARTITION_KEY } from './keys.ts';

export interface RegisteredWait extends LaunchWait {
  execution: string;
  token: string;
  /** When the wait stops meaning anything (epoch seconds): the wave's own timeout is long past. */
  expiresAt: number;
}

export interface WaveWaits {
  /** Registers the execution's wait (replacing its previous one) and its jobs' pending servers. */
  put(wait: RegisteredWait): Promise<void>;
  /**
   * Servers of one job reported their launch result. Returns the wait's token and execution when
   * this ends the wait, exactly once; undefined for a job no wait knows, servers it does not wait
   * for (repeated events), or a wait another arrival already ended.
   */
  arrive(jobID: string, sourceServerIDs: readonly string[], at: Date): Promise<{ token: string; execution: string } | undefined>;
}

/** BatchWriteItem's limit. */
const BATCH = 25;

export function waveWaitKey(execution: string): string {
  return `${KEY_PREFIX.waveWait}#${execution}`;
}

export function waveJobKey(jobID: string): string {
  return `${KEY_PREFIX.waveJob}#${jobID}`;
}

export function dynamoDbWaveWaits(client: DynamoDBClient, tableName: string): WaveWaits {
  const key = (pk: string) => ({ [PARTITION_KEY]: { S: pk } });
  /** One conditional UpdateItem returning the item as it was; undefined when the condition refused it. */
  const updateReturningOld = async (input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName' | 'ReturnValues'>) => {
    let before: Record<string, { S?: string; SS?: string[] }> | undefined;
    const done = await conditionally(async () => {
      before = (await client.send(new UpdateItemCommand({ ...input, TableName: tableName, ReturnValues: 'ALL_OLD' }))).Attributes;
    });
    return done ? before : undefined;
  };
  return {
    async put(wait) {
      const expiresAt = { N: String(wait.expiresAt) };
      const jobs = Object.entries(wait.pending).filter(([, servers]) => servers.length > 0);
      // The jobs first: a result arriving once the wait exists always finds its job.
      let writes = jobs.map(([jobID, servers]) => ({
        PutRequest: { Item: { ...key(waveJobKey(jobID)), execution: { S: wait.execution }, pending: { SS: [...new Set(servers)] }, [EXPIRES_AT]: expiresAt } },
      }));
      while (writes.length > 0) {
        const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: writes.slice(0, BATCH) } }));
        writes = [...((answer.UnprocessedItems?.[tableName] ?? []) as typeof writes), ...writes.slice(BATCH)];
      }
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(waveWaitKey(wait.execution)),
            token: { S: wait.token },
            wake: { S: wait.wake },
            // A set cannot be empty: a wait for no job of its own (quotas held by others) has none.
            ...(jobs.length === 0 ? {} : { jobs: { SS: jobs.map(([jobID]) => jobID) } }),
            [EXPIRES_AT]: expiresAt,
          },
        }),
      );
    },
    async arrive(jobID, sourceServerIDs, at) {
      const job = await updateReturningOld({
        Key: key(waveJobKey(jobID)),
        UpdateExpression: 'DELETE pending :servers',
        ConditionExpression: 'attribute_exists(execution)',
        ExpressionAttributeValues: { ':servers': { SS: [...new Set(sourceServerIDs)] } },
      });
      const execution = job?.execution?.S;
      const left = stillLaunching(job?.pending?.SS ?? [], sourceServerIDs);
      if (execution === undefined || left === undefined || left.length > 0) return undefined;
      // The job is done: take it off the wait, once (a repeated batch finds it gone).
      const wait = await updateReturningOld({
        Key: key(waveWaitKey(execution)),
        UpdateExpression: 'DELETE jobs :job',
        ConditionExpression: 'attribute_exists(#token) AND contains(jobs, :jobID)',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':job': { SS: [jobID] }, ':jobID': { S: jobID } },
      });
      const token = wait?.token?.S;
      const wake = wait?.wake?.S as Wake | undefined;
      if (token === undefined || wake === undefined || !jobEndsWait(wake, wait?.jobs?.SS ?? [], jobID)) return undefined;
      const claimed = await conditionally(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(waveWaitKey(execution)),
            UpdateExpression: 'SET resumedAt = :at',
            ConditionExpression: 'attribute_not_exists(resumedAt) AND #token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':at': { S: at.toISOString() }, ':token': { S: token } },
          }),
        ),
      );
      return claimed ? { token, execution } : undefined;
    },
  };
}
