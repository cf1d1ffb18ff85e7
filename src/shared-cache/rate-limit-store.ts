// Rate-limit counters shared by a fleet: @fastify/rate-limit's own Redis store (an atomic INCR +
// PEXPIRE script) while Redis answers, its own in-memory store while it does not, so that an outage
// turns the fleet-wide limit into a per-instance one instead of no limit or an error.
import { createRequire } from 'node:module'
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { SharedCache } from './redis.js'

type Callback = Parameters<FastifyRateLimitStore['incr']>[1]
interface StoreParams { continueExceeding?: boolean, exponentialBackoff?: boolean }
interface PluginStore extends FastifyRateLimitStore {
  read?: (key: string, callback: Callback, timeWindow: number, max: number) => void
}

// The plugin's stores are not exported by name; they are its documented behaviour, loaded by path.
const require = createRequire(import.meta.url)
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, cache: number) => PluginStore
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, redis: unknown, key: string) => PluginStore

class FallbackStore implements PluginStore {
  constructor (private readonly shared: SharedCache, private readonly redis: PluginStore, private readonly local: PluginStore) {}

  incr (key: string, callback: Callback, timeWindow: number, max: number): void {
    if (!this.shared.up) {
      this.local.incr(key, callback, timeWindow, max)
      return
    }
    this.redis.incr(key, (err, result) => {
      if (err === null) {
        callback(null, result)
        return
      }
      this.shared.markDown(err)
      this.local.incr(key, callback, timeWindow, max)
    }, timeWindow, max)
  }

  child (routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FallbackStore {
    return new FallbackStore(this.shared, this.redis.child(routeOptions), this.local.child(routeOptions))
  }
}

/** A store class for the plugin's `store` option, bound to the fleet's Redis. */
export function fleetRateLimitStore (shared: SharedCache, trackedKeys: number): FastifyRateLimitStoreCtor {
  return function FleetStore (params: StoreParams) {
    const continueExceeding = params.continueExceeding === true
    const exponentialBackoff = params.exponentialBackoff === true
    return new FallbackStore(shared, new RedisStore(continueExceeding, exponentialBackoff, shared.client, 'rl:'), new LocalStore(continueExceeding, exponentialBackoff, trackedKeys))
  } as unknown as FastifyRateLimitStoreCtor
}
