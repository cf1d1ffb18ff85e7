// buildApp(config, deps) assembles the service; it never listens (src/server.ts does).
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import type { CdsEngine } from './cds/engine.js'
import { cdsRoutes } from './cds/routes.js'
import { loadServiceDefinitions, type ServiceDefinition } from './cds/services.js'
import { prefetchOnlyGatherer, type DataGatherer } from './data/gather.js'
import { createCatEngine } from './engine.js'
import { registerCors } from './http/cors.js'
import { registerErrorHandling } from './http/errors.js'
import { registerSecurityHeaders } from './http/headers.js'
import { healthRoutes, type ReadinessCheck } from './http/health.js'
import { CdsLogController, loggerOptions, registerRequestLogging, requestIdFor } from './http/logging.js'
import { Metrics } from './observability/metrics.js'
import { metricsRoutes, registerHttpMetrics } from './observability/metrics-routes.js'
import type { DestinationStream } from 'pino'

export interface AppDeps {
  /** Service definitions; read from `hooks/` when omitted. */
  services?: readonly ServiceDefinition[]
  engine?: CdsEngine
  gatherer?: DataGatherer
  /** Log destination (tests capture it); stdout when omitted. */
  logStream?: DestinationStream
  metrics?: Metrics
  /** Extra readiness checks (the store adds one). */
  readinessChecks?: readonly ReadinessCheck[]
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const services = deps.services ?? loadServiceDefinitions()
  const app = Fastify({
    logger: loggerOptions({ level: config.logLevel, stream: deps.logStream }),
    logController: new CdsLogController(),
    genReqId: requestIdFor,
    bodyLimit: config.bodyLimitBytes,
    // Refuse `__proto__` and `constructor.prototype` keys outright rather than strip them silently.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 128 }
  })

  // Only JSON bodies: Fastify would otherwise accept text/plain as a string.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string', bodyLimit: config.bodyLimitBytes },
    app.getDefaultJsonParser('error', 'error'))

  const metrics = deps.metrics ?? new Metrics()
  app.decorate('metrics', metrics)
  registerHttpMetrics(app, metrics)
  registerErrorHandling(app)
  registerRequestLogging(app)
  registerSecurityHeaders(app)
  await registerCors(app, config.corsOrigins)

  await app.register(healthRoutes, { checks: deps.readinessChecks ?? [] })
  await app.register(metricsRoutes, { metrics })
  await app.register(cdsRoutes, {
    services,
    engine: deps.engine ?? createCatEngine({
      profile: config.guidelineProfile,
      freshness: { labDays: config.freshnessLabDays, weightDays: config.freshnessWeightDays }
    }),
    gatherer: deps.gatherer ?? prefetchOnlyGatherer
  })

  return app
}
