// The simulation's schedule: events at simulated times, run lazily (on each request, everything
// due up to "now" is applied in time order). Deterministic and cheap: no timers pile up.

interface ScheduledEvent {
  atMs: number;
  sequence: number;
  run: (atMs: number) => void;
}

/** A binary min-heap ordered by (time, insertion order). */
export class EventSchedule {
  private readonly heap: ScheduledEvent[] = [];
  private sequence = 0;

  get size(): number {
    return this.heap.length;
  }

  /** When the next scheduled event is due (simulated epoch ms); undefined when nothing is scheduled. */
  nextAtMs(): number | undefined {
    return this.heap[0]?.atMs;
  }

  at(atMs: number, run: (atMs: number) => void): void {
    this.heap.push({ atMs, sequence: this.sequence++, run });
    this.bubbleUp(this.heap.length - 1);
  }

  /** Runs every event due at or before `nowMs`, including events those events schedule. */
  runUntil(nowMs: number): void {
    while (this.heap.length > 0 && this.heap[0]!.atMs <= nowMs) {
      const event = this.pop();
      event.run(event.atMs);
    }
  }

  private less(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.sequence < b.sequence);
  }

  private pop(): ScheduledEvent {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.sinkDown(0);
    }
    return top;
  }

  private bubbleUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(this.heap[index]!, this.heap[parent]!)) return;
      [this.heap[index], this.heap[parent]] = [this.heap[parent]!, this.heap[index]!];
      index = parent;
    }
  }

  private sinkDown(index: number): void {
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.heap.length && this.less(this.heap[left]!, this.heap[smallest]!)) smallest = left;
      if (right < this.heap.length && this.less(this.heap[right]!, this.heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [this.heap[index], this.heap[smallest]] = [this.heap[smallest]!, this.heap[index]!];
      index = smallest;
    }
  }
}
