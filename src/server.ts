// The only module that listens. Loads nothing itself: the caller passes a validated Config.
// SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then exit 0; if that
// takes longer than the grace period the process exits 1.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.js'
import type { Config } from './config.js'
import { safeError } from './http/logging.js'

export interface RunningServer {
  app: FastifyInstance
  /** The address actually bound (useful with PORT=0). */
  url: string
}

export async function startServer (config: Config, deps: AppDeps = {}): Promise<RunningServer> {
  const app = await buildApp(config, deps)
  const grace = closeWithGrace({ delay: config.shutdownGraceMs, logger: { error: (m: string) => app.log.error(m) } }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error(safeError(err), 'fatal error, shutting down')
    else app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    await app.close()
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
  app.log.info({ url, profile: config.guidelineProfile, auth: config.auth, env: config.env }, 'CAT-CDS listening')
  return { app, url }
}
