// The jti replay check shared by a fleet: a token accepted by one instance is refused by every other
// (docs/security.md#client-authentication-cds-hooks-jwt, check 9). `SET key 1 PX ttl NX` records the
// jti until the token could no longer be accepted anyway, atomically, so two instances racing on one
// token cannot both accept it. Every claim is also kept in the instance's own cache, which is what
// protects the instance alone while Redis is unreachable.
import { ReplayCache, type ReplayGuard, type ReplayVerdict } from '../auth/replay.js'
import type { SharedCache } from './redis.js'

export class SharedReplayGuard implements ReplayGuard {
  constructor (private readonly shared: SharedCache, private readonly local: ReplayCache = new ReplayCache()) {}

  async claim (key: string, until: number, now: number): Promise<ReplayVerdict> {
    const local = this.local.claim(key, until, now)
    if (local === 'replayed' || !this.shared.up) return local
    try {
      const set = await this.shared.client.set(`jti:${key}`, '1', 'PX', Math.max(1, until - now), 'NX')
      return set === 'OK' ? 'fresh' : 'replayed'
    } catch (err) {
      this.shared.markDown(err as Error)
      return local
    }
  }
}
