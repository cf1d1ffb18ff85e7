// Optional OpenTelemetry tracing (CDS_OTEL=on): a span per request from @fastify/otel, the caller's
// `traceparent` as parent, export over OTLP/HTTP. The SDK is imported only when tracing is turned
// on, so a service running with it off loads none of it.
//
// Spans leave the service, so they get the same care as logs: the raw URL (which could carry a
// patient id) is replaced by the route template, and exception messages, which can quote request
// data, are never recorded.
import type { FastifyBaseLogger, FastifyPluginCallback } from 'fastify'
import type { Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node'
import type { Config } from '../config.js'

export interface Tracing {
  /** The @fastify/otel plugin; buildApp registers it before any hook or route. */
  readonly plugin: FastifyPluginCallback
  /** Where OpenTelemetry's own warnings go (an unreachable collector, dropped spans); buildApp passes its logger. */
  reportTo (log: FastifyBaseLogger): void
  /**
   * Exports the spans still buffered, then unregisters the global tracer. Never rejects: losing the
   * last spans (collector down) is reported, not a reason to fail the shutdown.
   */
  shutdown (): Promise<void>
}

/** OpenTelemetry reports problems as text, at most this long in our log line. */
const MAX_REPORT_LENGTH = 500

/**
 * How long shutdown waits for the last export. The exporter retries an unreachable collector for
 * up to 10 s, which would eat the whole shutdown grace period.
 */
const FINAL_EXPORT_MS = 3_000

/** Endpoints probed or scraped every few seconds: tracing them would drown the real traffic. */
const UNTRACED = new Set(['/health/live', '/health/ready', '/metrics'])

/** Attributes that can hold a raw URL or query string. */
const RAW_URL_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target']

/** Makes each span safe to export just before it ends (while it can still be changed). */
class PhiSafeSpanProcessor implements SpanProcessor {
  constructor (private readonly next: SpanProcessor) {}

  onStart (span: Span, parent: Context): void { this.next.onStart(span, parent) }

  onEnding (span: Span): void {
    if (span.attributes['url.path'] !== undefined) {
      span.setAttribute('url.path', String(span.attributes['http.route'] ?? '(unmatched)'))
    }
    for (const name of RAW_URL_ATTRIBUTES) {
      if (span.attributes[name] !== undefined) span.setAttribute(name, '[REDACTED]')
    }
    // An error status keeps its code; its message may quote the request body (JSON parse errors do).
    if (span.status.message !== undefined) span.setStatus({ code: span.status.code })
  }

  onEnd (span: ReadableSpan): void { this.next.onEnd(span) }
  async forceFlush (): Promise<void> { await this.next.forceFlush() }
  async shutdown (): Promise<void> { await this.next.shutdown() }
}

/**
 * Registers a global tracer provider (W3C trace context, AsyncLocalStorage context) and returns the
 * Fastify plugin. `exporter` replaces the OTLP exporter (tests collect spans in memory).
 */
export async function startTracing (settings: Config['tracing'], exporter?: SpanExporter): Promise<Tracing> {
  const [api, sdk, resources, otlp, fastifyOtel] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@fastify/otel')
  ])
  // OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER and the other standard variables are read by the SDK.
  const spanExporter = exporter ??
    new otlp.OTLPTraceExporter(settings.otlpEndpoint !== undefined ? { url: `${settings.otlpEndpoint}/v1/traces` } : {})
  const provider = new sdk.NodeTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new PhiSafeSpanProcessor(new sdk.BatchSpanProcessor(spanExporter))]
  })
  provider.register()

  const instrumentation = new fastifyOtel.FastifyOtelInstrumentation({
    // One span per request and one for the handler; a span per lifecycle hook is noise.
    instrumentHooks: false,
    recordExceptions: false,
    ignorePaths: (route: { url?: string }) => UNTRACED.has(route.url ?? '')
  })
  instrumentation.setTracerProvider(provider)

  let log: FastifyBaseLogger | undefined
  const report = (message: unknown): void => { log?.warn({ otel: String(message).slice(0, MAX_REPORT_LENGTH) }, 'tracing problem') }
  const ignore = (): void => {}
  api.diag.setLogger({ error: report, warn: report, info: ignore, debug: ignore, verbose: ignore }, api.DiagLogLevel.WARN)

  return {
    plugin: instrumentation.plugin() as FastifyPluginCallback,
    reportTo: (logger) => { log = logger },
    shutdown: async () => {
      instrumentation.disable()
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          provider.shutdown(),
          new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${FINAL_EXPORT_MS} ms`)), FINAL_EXPORT_MS) })
        ])
      } catch (err) {
        report(`the last spans could not be exported: ${(err as Error).message}`)
      } finally {
        clearTimeout(timer)
      }
      api.trace.disable()
      api.context.disable()
      api.propagation.disable()
      api.diag.disable()
    }
  }
}
