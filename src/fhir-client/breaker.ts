// A circuit breaker for one FHIR origin. After `failureThreshold` consecutive failures it opens and
// calls fail at once (the hook answers 412 without waiting out the deadline); after `cooldownMs`
// one trial call is let through (half-open): success closes it, failure opens it again.

export type BreakerState = 'closed' | 'half-open' | 'open'

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 }

export interface BreakerOptions {
  failureThreshold: number
  cooldownMs: number
  now?: () => number
  onStateChange?: (state: BreakerState) => void
}

export class CircuitBreaker {
  private failures = 0
  private openedAt = 0
  private trialInFlight = false
  private current: BreakerState = 'closed'
  private readonly now: () => number

  constructor (private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now
  }

  get state (): BreakerState {
    return this.current
  }

  /** Whether a call may go out now; a true answer in half-open state reserves the single trial. */
  tryAcquire (): boolean {
    if (this.current === 'closed') return true
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.cooldownMs) return false
      this.transition('half-open')
    }
    if (this.trialInFlight) return false
    this.trialInFlight = true
    return true
  }

  onSuccess (): void {
    this.failures = 0
    this.trialInFlight = false
    if (this.current !== 'closed') this.transition('closed')
  }

  onFailure (): void {
    this.trialInFlight = false
    this.failures += 1
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.now()
      this.transition('open')
    }
  }

  /** A call that ended without telling us anything about the server (the caller went away). */
  onNeutral (): void {
    this.trialInFlight = false
  }

  private transition (state: BreakerState): void {
    this.current = state
    this.options.onStateChange?.(state)
  }
}
