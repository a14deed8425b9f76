// Programmatic entry point of the local DynamoDB service: a front that checks SigV4 against the
// shared identity store and sends each request to the engine of its account and Region, each
// engine a dynalite server in memory (DynamoDB's own JSON protocol, conditional writes and their
// errors as DynamoDB answers them). `createTable` is how a local run deploys the tables the stack
// would create.
import dynalite from 'dynalite';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { closeServer, listenOnLoopback } from '#local/http/listen.ts';
import { defaultCredentials, IdentityStore } from '#local/identity/index.ts';
import { DynamoDbBackends, type DynamoDbBackend, type DynamoDbScope } from './backends.ts';
import { LocalDynamoDbHttpServer, type DynamoDbCall } from './server.ts';

export type { DynamoDbCall, DynamoDbScope };

export interface StartLocalDynamoDbOptions {
  /** The identity world shared with the other local services (default: the default local world). */
  identity?: IdentityStore;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
}

export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  identity: IdentityStore;
  /** Calls answered so far: operation, account, Region, status, error type. */
  calls(): DynamoDbCall[];
  /**
   * Creates a table as the stack would, in the account and Region of `as` (credentials of the
   * identity store, default the default world's function role) through the front, with the real SDK.
   */
  createTable(input: CreateTableCommandInput, as?: { region: string; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } }): Promise<void>;
  stop(): Promise<void>;
}

/** One dynalite engine in memory, its tables ACTIVE at once (CloudFormation waits for that on AWS). */
async function startDynalite(): Promise<DynamoDbBackend> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listenOnLoopback(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}

/** Starts the local DynamoDB service; engines start on each (account, Region)'s first request. */
export async function startLocalDynamoDb(options: StartLocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const identity = options.identity ?? new IdentityStore();
  const backends = new DynamoDbBackends(startDynalite);
  const front = new LocalDynamoDbHttpServer(identity, backends);
  const port = await front.listen(options.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    identity,
    calls: () => front.recordedCalls(),
    async createTable(input, as = { region: 'eu-west-1' }) {
      // Loaded on first use: the service itself needs no SDK client (commands that never run, such
      // as --help and validate, start faster).
      const { CreateTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const client = new DynamoDBClient({ endpoint, region: as.region, credentials: as.credentials ?? defaultCredentials, maxAttempts: 1 });
      try {
        await client.send(new CreateTableCommand(input));
      } finally {
        client.destroy();
      }
    },
    async stop() {
      await front.close();
      await backends.stop();
    },
  };
}
