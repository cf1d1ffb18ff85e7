// The only module that listens. Loads nothing itself: the caller passes a validated Config.
// SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then close whatever was
// registered to close after them (the store flushes there) and exit 0; if that takes longer than the
// grace period the process exits 1.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.js'
import type { Config } from './config.js'
import { safeError } from './http/logging.js'
import { startTracing } from './observability/tracing.js'

export interface RunningServer {
  app: FastifyInstance
  /** The address actually bound (useful with PORT=0). */
  url: string
}

/** Something to close once every in-flight request has been answered (the store, the tracer). */
export interface Closer {
  readonly name: string
  close (): Promise<void>
}

export interface ServerOptions {
  /** Closed in this order after the app has drained; tracing, when on, is closed last. */
  closers?: readonly Closer[]
}

/**
 * Stops accepting, waits for in-flight requests, then runs every closer in order. A failing closer
 * does not stop the others; the failures are reported together afterwards.
 */
export async function drainAndClose (app: FastifyInstance, closers: readonly Closer[]): Promise<void> {
  await app.close()
  const failed: string[] = []
  for (const closer of closers) {
    try {
      await closer.close()
    } catch (err) {
      failed.push(closer.name)
      app.log.error({ closer: closer.name, ...safeError(err as Error) }, 'closing failed')
    }
  }
  if (failed.length > 0) throw new Error(`closing failed: ${failed.join(', ')}`)
}

export async function startServer (config: Config, deps: AppDeps = {}, options: ServerOptions = {}): Promise<RunningServer> {
  const tracing = deps.tracing ?? (config.tracing.enabled ? await startTracing(config.tracing) : undefined)
  const app = await buildApp(config, tracing !== undefined ? { ...deps, tracing } : deps)
  const closers = [...(options.closers ?? []), ...(tracing !== undefined ? [{ name: 'tracing', close: tracing.shutdown }] : [])]
  const grace = closeWithGrace({ delay: config.shutdownGraceMs, logger: { error: (m: string) => app.log.error(m) } }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error(safeError(err), 'fatal error, shutting down')
    else app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    await drainAndClose(app, closers)
    app.log.info('shutdown complete')
  })
  let url: string
  try {
    url = await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    // Not serving: the caller reports the error (e.g. a port in use) and decides the exit code.
    grace.uninstall()
    await app.close()
    throw err
  }
  app.log.info({ url, profile: config.guidelineProfile, auth: config.auth, env: config.env, tracing: config.tracing.enabled, lmwh: config.formulary.lmwh, dalteparinTable: config.formulary.dalteparinTable }, 'CAT-CDS listening')
  return { app, url }
}
