// Deterministic IDs in DRS's formats and a seeded PRNG, so a scenario replays identically.
import { createHash } from 'node:crypto';

/** mulberry32: small, fast, good enough for jitter and IDs. */
export class SeededRandom {
  private state: number;
  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashToInt(seed);
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
  /** `base * (1 ± jitter)`, never negative. */
  jittered(base: number, jitter: number): number {
    return Math.max(0, base * (1 + jitter * (2 * this.next() - 1)));
  }
}

export function hashToInt(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

function hashHex(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Source server ID derived from the hostname: stable across runs of the same scenario. */
export const sourceServerIdFor = (hostname: string) => `s-${hashHex(`source-server:${hostname}`, 17)}`;
export const sourceNetworkIdFor = (vpcId: string) => `sn-${hashHex(`source-network:${vpcId}`, 17)}`;
export const snapshotIdFor = (sourceServerID: string, atMs: number) => `pit-${hashHex(`pit:${sourceServerID}:${atMs}`, 17)}`;
export const ec2InstanceIdFor = (seed: string) => `i-${hashHex(`ec2:${seed}`, 17)}`;
/** The EC2 launch template DRS creates for each source server (`lt-` + 17 hex, like EC2's own). */
export const launchTemplateIdFor = (sourceServerID: string) => `lt-${hashHex(`launch-template:${sourceServerID}`, 17)}`;
export function launchActionIdFor(seed: string): string {
  const h = hashHex(`launch-action:${seed}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class IdFactory {
  private readonly random: SeededRandom;
  constructor(seed: number) {
    this.random = new SeededRandom(seed ^ 0x5eed);
  }
  jobId = () => `drsjob-${this.random.hex(17)}`;
  ec2InstanceId = () => `i-${this.random.hex(17)}`;
  snapshotId = () => `pit-${this.random.hex(17)}`;
  vpcId = () => `vpc-${this.random.hex(17)}`;
  sourceServerId = () => `s-${this.random.hex(17)}`;
  /**
   * A post-launch action run's ID: a UUID, as the model's pattern says (the SSM execution or command
   * it stands for). Drawn like the other IDs (17 hex digits), so the seeded stream is unchanged.
   */
  runId = () => {
    const hex = createHash('sha256').update(this.random.hex(17)).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  };
}
