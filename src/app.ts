// buildApp(config, deps) assembles the service; it never listens (src/server.ts does).
import Fastify, { type FastifyInstance } from 'fastify'
import { InvocationAuditor } from './audit/invocation-audit.js'
import { patientKeyer } from './audit/patient-key.js'
import { DEVELOPMENT_AUDIT_HMAC_KEY, type Config } from './config.js'
import { noCardsEngine, type CdsEngine } from './cds/engine.js'
import { feedbackRoutes } from './cds/feedback.js'
import { cdsRoutes } from './cds/routes.js'
import { loadServiceDefinitions, type ServiceDefinition } from './cds/services.js'
import { prefetchOnlyGatherer, type DataGatherer } from './data/gather.js'
import { registerClientIdentity } from './http/client.js'
import { registerCors } from './http/cors.js'
import { registerErrorHandling } from './http/errors.js'
import { registerSecurityHeaders } from './http/headers.js'
import { healthRoutes, type ReadinessCheck } from './http/health.js'
import { CdsLogController, loggerOptions, registerRequestLogging, requestIdFor, safeError } from './http/logging.js'
import { Metrics } from './observability/metrics.js'
import { metricsRoutes, registerHttpMetrics } from './observability/metrics-routes.js'
import { openStore, redactStoreUrl } from './store/open.js'
import { startRetention } from './store/retention.js'
import type { AuditStore } from './store/store.js'
import type { DestinationStream } from 'pino'

export interface AppDeps {
  /** Service definitions; read from `hooks/` when omitted. */
  services?: readonly ServiceDefinition[]
  engine?: CdsEngine
  gatherer?: DataGatherer
  /** Log destination (tests capture it); stdout when omitted. */
  logStream?: DestinationStream
  metrics?: Metrics
  /** Extra readiness checks (the store adds its own). */
  readinessChecks?: readonly ReadinessCheck[]
  /** The audit store; opened from CDS_STORE_URL (and closed with the app) when omitted. */
  store?: AuditStore
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
  registerClientIdentity(app)
  registerSecurityHeaders(app)
  await registerCors(app, config.corsOrigins)

  const store = deps.store ?? await openOwnStore(app, config, metrics)
  if (config.auditHmacKey === DEVELOPMENT_AUDIT_HMAC_KEY) {
    app.log.warn('CDS_AUDIT_HMAC_KEY is not set: patient keys in the audit trail use the public development key (refused in production)')
  }
  if (config.auditRetentionDays > 0) {
    const retention = startRetention({
      store,
      retentionDays: config.auditRetentionDays,
      onPruned: (result, before) => { if (result.invocations + result.feedback > 0) app.log.info({ ...result, before }, 'audit retention: pruned old records') },
      onError: (err) => { app.log.error(safeError(err as Error), 'audit retention: pruning failed') }
    })
    app.addHook('onClose', async () => { retention.stop() })
  }

  const storeCheck: ReadinessCheck = { name: 'store', check: async () => { await store.ping() } }
  await app.register(healthRoutes, { checks: [storeCheck, ...(deps.readinessChecks ?? [])] })
  await app.register(metricsRoutes, { metrics })
  await app.register(cdsRoutes, {
    services,
    engine: deps.engine ?? noCardsEngine,
    gatherer: deps.gatherer ?? prefetchOnlyGatherer,
    auditor: new InvocationAuditor(store, patientKeyer(config.auditHmacKey), new Set(services.map((s) => s.id)))
  })
  await app.register(feedbackRoutes, { services, store, metrics, strict: config.feedbackStrict })

  return app
}

/** Opens the store CDS_STORE_URL names and closes it once the server has stopped (pending batches are written first). */
async function openOwnStore (app: FastifyInstance, config: Config, metrics: Metrics): Promise<AuditStore> {
  const store = await openStore(config.storeUrl, {
    metrics,
    onIdleError: (err) => { app.log.warn(safeError(err), 'audit store: idle connection failed') }
  })
  app.log.info({ store: redactStoreUrl(config.storeUrl), dialect: store.dialect }, 'audit store open')
  // onClose hooks run after the server has stopped accepting and in-flight requests have finished.
  app.addHook('onClose', async () => { await store.close() })
  return store
}
