// GET /metrics in Prometheus text format, plus the request-duration histogram fed from every response.
// Like health, it needs no CDS client JWT; keep it off the public ingress.
import type { FastifyInstance } from 'fastify'
import type { Metrics } from './metrics.js'

export function registerHttpMetrics (app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route template (e.g. /cds-services/:id), never the raw URL.
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })
}

export async function metricsRoutes (app: FastifyInstance, options: { metrics: Metrics }): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    reply.type(options.metrics.registry.contentType)
    return await options.metrics.registry.metrics()
  })
}
