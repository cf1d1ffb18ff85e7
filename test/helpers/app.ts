// Builds the app as the server would, with test defaults and a captured log.
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { LogCapture } from './logs.js'

export function testConfig (env: Record<string, string> = {}): Config {
  // In-memory audit store, so no test leaves a database file behind unless it asks for one.
  // Load shedding off: a CPU-heavy test (many fixtures, property runs) would otherwise get 503s from
  // its own busy event loop. test/http/overload.test.ts turns it on explicitly.
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', CDS_STORE_URL: 'sqlite::memory:', ...env })
}

export interface TestApp {
  app: FastifyInstance
  logs: LogCapture
  config: Config
}

export async function buildTestApp (env: Record<string, string> = {}, deps: AppDeps = {}): Promise<TestApp> {
  const logs = new LogCapture()
  const config = testConfig(env)
  const app = await buildApp(config, { logStream: logs, ...deps })
  await app.ready()
  return { app, logs, config }
}
