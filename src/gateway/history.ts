// A bounded ring of one channel's most recent publications, for resume. Offsets
// are contiguous (every publication is pushed, even when nothing is kept), so
// "everything after offset K" is index arithmetic, and whether K is still inside
// the window is known without scanning.

interface Slot<T> {
  offset: number;
  /** When it was stored (the broker's clock), for the TTL. */
  time: number;
  item: T;
}

export class HistoryRing<T> {
  private slots: (Slot<T> | undefined)[];
  /** Index of the oldest kept slot. */
  private head = 0;
  private count = 0;
  private last = 0;

  /**
   * @param capacity publications kept (0: none, the ring only tracks the offset)
   * @param ttl ms a publication is kept (0: until pushed out by capacity)
   */
  constructor(
    private capacity: number,
    private ttl: number,
  ) {
    this.slots = new Array(capacity);
  }

  /** Offset of the newest publication pushed (0 before the first). */
  get lastOffset(): number {
    return this.last;
  }

  /** Publications currently kept (expired ones may still count until the next prune). */
  get length(): number {
    return this.count;
  }

  /**
   * Appends the publication with offset lastOffset + 1. Returns the change in
   * `length` (+1, 0 when full or capacity 0, or negative when a resize shrank it)
   * so the caller can keep a gauge exact without rescanning.
   */
  push(offset: number, time: number, item: T): number {
    if (offset !== this.last + 1) throw new RangeError(`history offsets must be contiguous: got ${offset} after ${this.last}`);
    this.last = offset;
    if (this.capacity === 0) return 0;
    const slot: Slot<T> = { offset, time, item };
    if (this.count < this.capacity) {
      this.slots[(this.head + this.count) % this.capacity] = slot;
      this.count++;
      return 1;
    }
    this.slots[this.head] = slot;
    this.head = (this.head + 1) % this.capacity;
    return 0;
  }

  /** Drops publications older than the TTL. Returns how many were dropped. */
  prune(now: number): number {
    if (this.ttl === 0) return 0;
    let dropped = 0;
    while (this.count > 0) {
      const oldest = this.slots[this.head]!;
      if (now - oldest.time < this.ttl) break;
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      dropped++;
    }
    return dropped;
  }

  /**
   * Every publication after `offset`, oldest first, or null when some of them
   * are no longer kept (or `offset` is past the newest: a position this ring
   * never handed out). Call prune(now) first for TTL-exact answers.
   */
  readAfter(offset: number): T[] | null {
    if (offset === this.last) return [];
    if (offset > this.last || offset < 0 || this.count === 0) return null;
    const first = this.slots[this.head]!.offset;
    if (offset + 1 < first) return null;
    const out: T[] = new Array(this.last - offset);
    let index = (this.head + (offset + 1 - first)) % this.capacity;
    for (let i = 0; i < out.length; i++) {
      out[i] = this.slots[index]!.item;
      index = (index + 1) % this.capacity;
    }
    return out;
  }

  /**
   * Applies new size/TTL options (they come with each publish, so a config
   * reload takes effect on the next one). Keeps the newest publications that
   * fit. Returns the change in `length`.
   */
  configure(capacity: number, ttl: number): number {
    this.ttl = ttl;
    if (capacity === this.capacity) return 0;
    const keep = Math.min(this.count, capacity);
    const slots: (Slot<T> | undefined)[] = new Array(capacity);
    for (let i = 0; i < keep; i++) slots[i] = this.slots[(this.head + this.count - keep + i) % this.capacity];
    const delta = keep - this.count;
    this.slots = slots;
    this.capacity = capacity;
    this.head = 0;
    this.count = keep;
    return delta;
  }
}
