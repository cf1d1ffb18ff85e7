// buildApp(config, deps) assembles the service; it never listens (src/server.ts does).
import Fastify, { type FastifyInstance } from 'fastify'
import { InvocationAuditor } from './audit/invocation-audit.js'
import { patientKeyer } from './audit/patient-key.js'
import { DEVELOPMENT_AUDIT_HMAC_KEY, type Config } from './config.js'
import type { CdsEngine } from './cds/engine-contract.js'
import { feedbackRoutes } from './routes/feedback.js'
import { cdsRoutes } from './routes/hooks.js'
import { loadServiceDefinitions, type ServiceDefinition } from './cds/services.js'
import { fhirGatherer, type DataGatherer } from './data/gather.js'
import { FhirClient } from './fhir-client/client.js'
import type { HostResolver } from './fhir-client/egress.js'
import { ClientAuthenticator } from './auth/verify.js'
import { registerClientAuth } from './auth/client-auth.js'
import { DEFAULT_JWKS_OPTIONS, JwksCache } from './auth/jwks.js'
import { ReplayCache, type ReplayGuard } from './auth/replay.js'
import { SharedCache } from './shared-cache/redis.js'
import { SharedReplayGuard } from './shared-cache/replay.js'
import { loadTrustedClients } from './auth/trusted-clients.js'
import { clientErrorHandler } from './http/client-errors.js'
import { createCatEngine } from './engine.js'
import { registerCors } from './http/cors.js'
import { registerConnectionDraining } from './http/drain.js'
import { registerErrorHandling, routingErrorHandler } from './http/errors.js'
import { registerSecurityHeaders } from './http/headers.js'
import { healthRoutes, type ReadinessCheck } from './http/health.js'
import { registerJsonBodies } from './http/json-body.js'
import { registerRateLimit } from './http/rate-limit.js'
import { CdsLogController, loggerOptions, registerRequestLogging, requestIdFor, safeError } from './http/logging.js'
import { overloadReadiness, registerOverloadProtection } from './http/overload.js'
import { Metrics } from './observability/metrics.js'
import { metricsRoutes, registerHttpMetrics } from './observability/metrics-routes.js'
import { rulePageRoutes } from './routes/rules.js'
import type { Tracing } from './observability/tracing.js'
import { openStoreRetrying, redactStoreUrl } from './store/open.js'
import { startRetention } from './store/retention.js'
import type { AuditStore } from './store/store.js'
import type { DestinationStream } from 'pino'

export interface AppDeps {
  /** Service definitions; read from `hooks/` when omitted. */
  services?: readonly ServiceDefinition[]
  engine?: CdsEngine
  gatherer?: DataGatherer
  /** DNS for calls to FHIR servers; the system's when omitted (tests inject one that never leaves the process). */
  fhirResolver?: HostResolver
  /** Log destination (tests capture it); stdout when omitted. */
  logStream?: DestinationStream
  metrics?: Metrics
  /** Extra readiness checks; `rules`, `overload` and `store` are always there. */
  readinessChecks?: readonly ReadinessCheck[]
  /** Client authentication tuning for tests: a fixed clock, a short key-set fetch timeout. */
  auth?: AuthDeps
  /** OpenTelemetry, when started (src/server.ts does so for CDS_OTEL=on). */
  tracing?: Tracing
  /** The audit store; opened from CDS_STORE_URL (and closed with the app) when omitted. */
  store?: AuditStore
  /** Retry delays while the store cannot be opened (default 1 s doubling to 30 s); tests shorten them. */
  storeRetryDelays?: { initialMs: number, maxMs: number }
}

export interface AuthDeps {
  /** Current time in ms since the epoch; Date.now when omitted. */
  now?: () => number
  jwksTimeoutMs?: number
}

/** The `rules` readiness check: asks the engine, if it has anything to say. */
function rulesReadiness (engine: CdsEngine): ReadinessCheck {
  return { name: 'rules', check: async () => { await engine.ready?.() } }
}

/** The JWT verifier for CDS_AUTH=jwt (the trusted-clients file is read and checked here, at boot). */
async function clientAuthenticator (config: Config, replay: ReplayGuard, deps: AuthDeps = {}): Promise<ClientAuthenticator | undefined> {
  if (config.auth === 'off') return undefined
  if (config.trustedClientsPath === undefined) throw new Error('CDS_TRUSTED_CLIENTS is required with CDS_AUTH=jwt')
  const clients = await loadTrustedClients(config.trustedClientsPath, { production: config.env === 'production' })
  const now = deps.now ?? Date.now
  return new ClientAuthenticator(clients, {
    leewaySeconds: config.jwtLeewaySeconds,
    now,
    jwks: new JwksCache({ ...DEFAULT_JWKS_OPTIONS, now, ...(deps.jwksTimeoutMs !== undefined ? { timeoutMs: deps.jwksTimeoutMs } : {}) }),
    replay
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const services = deps.services ?? loadServiceDefinitions()
  const engine = deps.engine ?? createCatEngine({
    profile: config.guidelineProfile,
    freshness: { labDays: config.freshnessLabDays, weightDays: config.freshnessWeightDays },
    formulary: config.formulary
  })
  // Created before the app so a bad trusted-clients file stops the boot before anything connects.
  const shared = config.redisUrl !== undefined ? new SharedCache(config.redisUrl) : undefined
  const authenticator = await clientAuthenticator(config, shared !== undefined ? new SharedReplayGuard(shared) : new ReplayCache(), deps.auth)
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
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 128 },
    http: { maxHeaderSize: config.headerLimitBytes },
    clientErrorHandler,
    frameworkErrors: routingErrorHandler
  })

  // First, so that its request span encloses every hook and handler.
  if (deps.tracing !== undefined) {
    deps.tracing.reportTo(app.log)
    await app.register(deps.tracing.plugin)
  }

  // Only JSON bodies (Fastify would otherwise accept text/plain as a string), depth- and string-limited.
  registerJsonBodies(app, config.bodyLimitBytes)

  const metrics = deps.metrics ?? new Metrics()
  app.decorate('metrics', metrics)
  registerHttpMetrics(app, metrics)
  if (shared !== undefined) {
    metrics.registry.registerMetric(metrics.sharedCacheUp)
    shared.start(app.log, (up) => { metrics.sharedCacheUp.set(up ? 1 : 0) })
    app.addHook('onClose', async () => { await shared.close() })
  } else if (config.env === 'production' && config.storeUrl.startsWith('postgres')) {
    app.log.warn('CDS_REDIS_URL is not set while the store is PostgreSQL (several instances): JWT replay protection and rate limits are per instance, so a token accepted by one instance can be replayed to another')
  }
  const notFoundPreHandler = await registerRateLimit(app, config.rateLimitPerMinute, shared)
  registerErrorHandling(app, { notFoundPreHandler })
  registerRequestLogging(app)
  registerSecurityHeaders(app)
  registerConnectionDraining(app)
  await registerCors(app, config.corsOrigins)
  await registerOverloadProtection(app, config.overload, metrics)
  // After CORS, so that a browser client (the sandbox) can read a 401.
  registerClientAuth(app, { authenticator, publicUrls: config.publicUrls, metrics })

  const store = deps.store ?? await openOwnStore(app, config, metrics, deps.storeRetryDelays)
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
  await app.register(healthRoutes, { checks: [rulesReadiness(engine), overloadReadiness(app), storeCheck, ...(deps.readinessChecks ?? [])] })
  await app.register(metricsRoutes, { metrics })
  await app.register(cdsRoutes, {
    services,
    engine,
    gatherer: deps.gatherer ?? defaultGatherer(app, config, metrics, deps.fhirResolver),
    auditor: new InvocationAuditor(store, patientKeyer(config.auditHmacKey), new Set(services.map((s) => s.id))),
    publicUrl: config.publicUrls[0] ?? ''
  })
  await app.register(rulePageRoutes)
  await app.register(feedbackRoutes, { services, store, metrics, strict: config.feedbackStrict })

  return app
}

/**
 * The store CDS_STORE_URL names, opened in the background and retried until it opens: a store that is
 * down at boot leaves the process alive and not ready instead of ending it. Closed once the server has
 * stopped (pending batches are written first).
 */
async function openOwnStore (app: FastifyInstance, config: Config, metrics: Metrics, delays: AppDeps['storeRetryDelays']): Promise<AuditStore> {
  const where = redactStoreUrl(config.storeUrl)
  const { store, opening } = openStoreRetrying(config.storeUrl, {
    metrics,
    onIdleError: (err) => { app.log.warn(safeError(err), 'audit store: idle connection failed') },
    onAttemptFailed: ({ attempt, retryInMs, error }) => {
      // One line per attempt, no stack: the cause is the store, not this code.
      app.log.warn({ store: where, attempt, retryInMs, errCode: (error as NodeJS.ErrnoException).code, error: firstLine(error.message) }, 'audit store unavailable: not ready; retrying')
    },
    onOpen: (attempts) => { app.log.info({ store: where, dialect: store.dialect, attempts }, 'audit store open') },
    ...(delays !== undefined ? { delays } : {})
  })
  // onClose hooks run after the server has stopped accepting and in-flight requests have finished.
  app.addHook('onClose', async () => { await store.close() })
  await opening.firstAttempt
  return store
}

function firstLine (message: string): string {
  return (message.split('\n')[0] ?? '').slice(0, 300)
}

/** Prefetch, completed from the client's FHIR server through an allow-listed, deadline-bound client. */
function defaultGatherer (app: FastifyInstance, config: Config, metrics: Metrics, resolver: HostResolver | undefined): DataGatherer {
  if (config.fhirAllowlist.includes('*')) {
    app.log.warn('CDS_FHIR_ALLOWLIST contains "*": any public https FHIR server named by a caller may be called (development only)')
  }
  const client = new FhirClient({
    allowlist: config.fhirAllowlist,
    retries: config.fhirRetries,
    breakerFailures: config.fhirBreakerFailures,
    breakerCooldownMs: config.fhirBreakerCooldownMs,
    metrics,
    resolver
  })
  app.addHook('onClose', async () => await client.close())
  return fhirGatherer({ client, timeoutMs: config.fhirTimeoutMs })
}
