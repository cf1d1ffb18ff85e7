// Load shedding: when the event loop falls behind (or heap grows past a bound), hook calls are answered
// 503 at once instead of queueing until every caller times out. Probes and /metrics are never shed:
// a shed liveness probe would get a busy pod restarted, and operators need the metrics most then.
// Readiness reports the overload instead, so the load balancer steers traffic to other pods.
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Metrics } from '../observability/metrics.js'
import type { ErrorBody } from './errors.js'
import type { ReadinessCheck } from './health.js'

/** Seconds a shed client is told to wait; pressure is re-sampled every second. */
export const RETRY_AFTER_SECONDS = 5

const NEVER_SHED = new Set(['/health/live', '/health/ready', '/metrics'])

export async function registerOverloadProtection (app: FastifyInstance, thresholds: Config['overload'], metrics: Metrics): Promise<void> {
  // Called for each request while under pressure. The plugin sends a non-null return value as the
  // response and lets the request through on undefined (its index.js; its types say only void).
  const shed = (request: FastifyRequest, reply: FastifyReply, reason: string): ErrorBody | undefined => {
    if (NEVER_SHED.has(request.routeOptions.url ?? '')) return undefined
    metrics.shedRequests.inc({ reason })
    request.errorCode = 'overloaded'
    reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).type('application/json; charset=utf-8')
    return { error: 'overloaded', message: `The service is overloaded; retry after ${RETRY_AFTER_SECONDS} seconds` }
  }
  await app.register(underPressure, {
    maxEventLoopDelay: thresholds.maxEventLoopDelayMs,
    maxEventLoopUtilization: thresholds.maxEventLoopUtilization,
    // Utilisation over the last sample, not since boot (the plugin's default would never recover).
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: thresholds.maxHeapUsedBytes,
    pressureHandler: shed as unknown as NonNullable<FastifyUnderPressureOptions['pressureHandler']>
  })
}

/** Not ready while shedding load, so orchestrators route new traffic elsewhere. */
export function overloadReadiness (app: FastifyInstance): ReadinessCheck {
  return {
    name: 'overload',
    check: async () => {
      if (app.isUnderPressure()) throw new Error('under pressure')
    }
  }
}
