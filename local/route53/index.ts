// Programmatic entry point of the local Route 53 service: start it on a port (0 = ephemeral) over
// an identity store (shared with the other local services) and a clock (the local DRS service's,
// in a local run), point the real @aws-sdk/client-route-53 at it, inspect it, stop it.
import { DEFAULT_ACCOUNT_ID, defaultCredentials, defaultIdentity, IdentityStore } from '#local/identity/index.ts';
import { parseRoute53Scenario, type Route53Scenario } from './scenario.ts';
import { LocalRoute53HttpServer, type Route53Call } from './server.ts';
import { Route53Zones, wallClock, type ChangeView, type HostedZoneView, type ServiceClock } from './zones.ts';

export { Route53Zones, type ServiceClock, type HostedZoneView, type ResourceRecordSetView, type ChangeView, type ChangeStatus } from './zones.ts';
export { parseRoute53Scenario, Route53ScenarioError, type Route53Scenario, type ParsedRoute53Scenario } from './scenario.ts';
export { Route53Error } from './errors.ts';
export type { Route53Call };

/** Route 53 is a global service: the SDKs sign its requests for us-east-1. */
export const ROUTE53_SIGNING_REGION = 'us-east-1';

export interface StartLocalRoute53Options {
  /** The identity world requests are authenticated against (share the local DRS service's); default: the default world. */
  identity?: IdentityStore;
  /** The clock the service answers in; default the wall clock. A local run passes the local DRS service's simulated clock. */
  clock?: ServiceClock;
  /** The scenario's `route53:` block (hosted zones, records, insyncSeconds); validated here. */
  scenario?: Route53Scenario | unknown;
  /** Where scenario zones without `account` live, and what `state()` shows: default 111122223333. */
  home?: { account: string };
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
}

export interface LocalRoute53 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** us-east-1: the Region Route 53's requests are signed for. */
  region: string;
  /** The home account: where scenario zones without `account` are. */
  accountId: string;
  identity: IdentityStore;
  zones: Route53Zones;
  /** The hosted zones of an account (default the home one) with their records, and its changes with their status now. */
  state(account?: string): { now: string; hostedZones: HostedZoneView[]; changes: ChangeView[] };
  calls(): Route53Call[];
  /** Requests answered: of one operation (e.g. `ChangeResourceRecordSets`) or all. */
  countCalls(operation?: string): number;
  stop(): Promise<void>;
}

/** Starts a local Route 53 service; resolves once it listens. Stop it with `stop()`. */
export async function startLocalRoute53(options: StartLocalRoute53Options = {}): Promise<LocalRoute53> {
  const identity = options.identity ?? new IdentityStore(defaultIdentity);
  const clock = options.clock ?? wallClock;
  const home = options.home ?? { account: DEFAULT_ACCOUNT_ID };
  const zones = new Route53Zones(clock, parseRoute53Scenario(options.scenario), home);
  const http = new LocalRoute53HttpServer(identity, zones);
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: ROUTE53_SIGNING_REGION,
    accountId: home.account,
    identity,
    zones,
    state: (account) => ({ now: new Date(clock.nowMs()).toISOString(), hostedZones: zones.state(account), changes: zones.changeLog(account) }),
    calls: () => http.recordedCalls(),
    countCalls: (operation) => http.countCalls('operation', operation),
    stop: () => http.close(),
  };
}
