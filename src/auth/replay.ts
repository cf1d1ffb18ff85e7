// Remembers the `jti` of every accepted CDS client token until the token could no longer be accepted
// anyway (its `exp` plus the clock leeway), so that a captured token cannot be replayed. Memory is
// bounded: expired entries are dropped first, and when the cache is full of live entries new tokens
// are refused rather than forgetting one (fail closed).
export type ReplayVerdict = 'fresh' | 'replayed' | 'full'

/** Where accepted jtis are remembered: this process (ReplayCache) or the fleet (src/shared-cache/replay.ts). */
export interface ReplayGuard {
  claim (key: string, until: number, now: number): ReplayVerdict | Promise<ReplayVerdict>
}

export const DEFAULT_REPLAY_CAPACITY = 100_000

export class ReplayCache implements ReplayGuard {
  /** key → time (ms) until which the token could still be accepted. Insertion order ≈ issue order. */
  private readonly seen = new Map<string, number>()
  /** Earliest expiry among the entries, so that a sweep only runs when it can free something. */
  private soonest = Infinity

  constructor (private readonly capacity: number = DEFAULT_REPLAY_CAPACITY) {}

  get size (): number {
    return this.seen.size
  }

  /** Records `key` as used until `until` (ms); says whether it was fresh, a replay, or could not be recorded. */
  claim (key: string, until: number, now: number): ReplayVerdict {
    const previous = this.seen.get(key)
    if (previous !== undefined && previous >= now) return 'replayed'
    if (this.seen.size >= this.capacity && now > this.soonest) this.sweep(now)
    if (this.seen.size >= this.capacity) return 'full'
    this.seen.set(key, until)
    if (until < this.soonest) this.soonest = until
    return 'fresh'
  }

  private sweep (now: number): void {
    let soonest = Infinity
    for (const [key, until] of this.seen) {
      if (until < now) this.seen.delete(key)
      else if (until < soonest) soonest = until
    }
    this.soonest = soonest
  }
}
