// Simulated time: a clock that runs `speed` times faster than the wall clock from a simulated
// epoch, plus explicit jumps (advanceBy) so tests can move time deterministically.

export class SimulatedClock {
  private readonly realStart = Date.now();
  private advancedMs = 0;

  constructor(
    private readonly epoch: Date,
    /** Simulated seconds per real second; 0 freezes time except for advanceBy. */
    readonly speed: number,
  ) {}

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.epoch.getTime() + (Date.now() - this.realStart) * this.speed + this.advancedMs;
  }

  advanceBy(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`advanceBy needs a non-negative number of seconds, got ${seconds}`);
    this.advancedMs += seconds * 1000;
  }
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO-8601 duration as DRS writes lagDuration (`PT30S`, `P1DT2H`). */
export function isoDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds || (!hours && !minutes) ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
