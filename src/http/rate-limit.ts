// Per-client request limits (CDS_RATE_LIMIT per minute; 0 = off). An authenticated call counts
// against its verified JWT issuer, since a whole hospital's EHR may reach us from one address;
// anything else (authentication off, unknown paths) counts against the caller's address. Probes are
// never limited. Counters live in memory with a bounded key cache, per process, or on the fleet's
// Redis when CDS_REDIS_URL is set.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { HttpError } from './errors.js'
import type { SharedCache } from '../shared-cache/redis.js'
import { fleetRateLimitStore } from '../shared-cache/rate-limit-store.js'

const WINDOW_MS = 60_000
/** Distinct clients/addresses tracked at once (the plugin's LRU). */
const TRACKED_KEYS = 10_000

function isProbe (request: FastifyRequest): boolean {
  const route = request.routeOptions.url
  return route === '/metrics' || (route?.startsWith('/health/') ?? false)
}

export function rateLimitKey (request: FastifyRequest): string {
  return request.cdsClient !== null ? `iss:${request.cdsClient.iss}` : `addr:${request.ip}`
}

/**
 * Limits every route registered after this call, and returns the hook that limits the 404 handler
 * too (so unknown paths cannot be probed at full speed); undefined when limiting is off.
 */
export async function registerRateLimit (app: FastifyInstance, perMinute: number, shared?: SharedCache): Promise<preHandlerAsyncHookHandler | undefined> {
  if (perMinute === 0) return undefined
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: WINDOW_MS,
    // Fleet-wide on Redis when there is one, falling back to this process while it is unreachable.
    ...(shared !== undefined ? { store: fleetRateLimitStore(shared, TRACKED_KEYS) } : { cache: TRACKED_KEYS }),
    keyGenerator: rateLimitKey,
    allowList: isProbe,
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate_limited', `Too many requests; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`)
  })
  return app.rateLimit() as preHandlerAsyncHookHandler
}
