// Programmatic entry point of the local STS service: start it on a port (0 = ephemeral) over an
// identity store (shared with the other local services, so the role sessions it mints work
// there), point the real @aws-sdk/client-sts at it, stop it.
import { defaultCredentials, defaultIdentity, IdentityStore, loadIdentity, type Identity } from '#local/identity/index.ts';
import { LocalStsHttpServer, type StsCall } from './server.ts';

export type { StsCall };

export interface StartLocalStsOptions {
  /**
   * The identity world: a store shared with other local services, an identity fragment, or the
   * path of a scenario file whose `identity:` it reads. Default: the default local world.
   */
  identity?: IdentityStore | Identity | string;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
}

export interface LocalSts {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The Region clients are configured with by default; the service answers for every Region. */
  region: string;
  /** The identity store it authenticates against and mints into. */
  identity: IdentityStore;
  /** Calls answered so far: action, caller ARN, RoleArn, status, error code. */
  calls(): StsCall[];
  stop(): Promise<void>;
}

async function resolveIdentity(identity: StartLocalStsOptions['identity']): Promise<IdentityStore> {
  if (identity instanceof IdentityStore) return identity;
  if (typeof identity === 'string') return new IdentityStore(await loadIdentity(identity, defaultIdentity));
  return new IdentityStore(identity ?? defaultIdentity);
}

/** Starts a local STS service; resolves once it listens. Stop it with `stop()`. */
export async function startLocalSts(options: StartLocalStsOptions = {}): Promise<LocalSts> {
  const identity = await resolveIdentity(options.identity);
  const http = new LocalStsHttpServer(identity);
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    identity,
    calls: () => http.recordedCalls(),
    stop: () => http.close(),
  };
}
