// The DynamoDB engines behind the local front: one per (account, Region), as DynamoDB keeps each
// account's tables in each Region apart. Started on first use, all stopped together.

/** Which account and Region a request is for: its credentials' account, its scope's Region. */
export interface DynamoDbScope {
  account: string;
  region: string;
}

/** One running engine that speaks DynamoDB's JSON protocol over HTTP (it checks no signature). */
export interface DynamoDbBackend {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts the engine of one (account, Region). */
export type StartDynamoDbBackend = (scope: DynamoDbScope) => Promise<DynamoDbBackend>;

export class DynamoDbBackends {
  private readonly started = new Map<string, { scope: DynamoDbScope; backend: Promise<DynamoDbBackend> }>();

  constructor(private readonly start: StartDynamoDbBackend) {}

  /**
   * The engine of a scope, started on its first request. Requests arriving while it starts wait
   * for the same one; one that failed to start is started again on the next request.
   */
  of(scope: DynamoDbScope): Promise<DynamoDbBackend> {
    const key = `${scope.account}/${scope.region}`;
    const known = this.started.get(key);
    if (known !== undefined) return known.backend;
    const backend = this.start({ ...scope });
    this.started.set(key, { scope: { ...scope }, backend });
    backend.catch(() => this.started.delete(key));
    return backend;
  }

  /** The scopes that have an engine (started or starting). */
  scopes(): DynamoDbScope[] {
    return [...this.started.values()].map(({ scope }) => ({ ...scope }));
  }

  async stop(): Promise<void> {
    const backends = [...this.started.values()].map(({ backend }) => backend);
    this.started.clear();
    await Promise.all(backends.map((backend) => backend.then((running) => running.stop(), () => undefined)));
  }
}
