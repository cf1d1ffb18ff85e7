// Health for orchestrators and load balancers. Neither endpoint needs a CDS client JWT (probes cannot
// sign one); keep them off the public ingress.
//   /health/live   the process serves HTTP
//   /health/ready  every readiness check passes (store reachable, rules compiled, not overloaded)
import type { FastifyInstance } from 'fastify'

export interface ReadinessCheck {
  /** Short, stable name shown in the readiness body (e.g. `store`). */
  readonly name: string
  /** Resolves when ready; rejects (or times out) when not. */
  check (): Promise<void>
}

const CHECK_TIMEOUT_MS = 2_000

async function run (check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      check.check(),
      new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS) })
    ])
    return true
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

export async function healthRoutes (app: FastifyInstance, options: { checks: readonly ReadinessCheck[] }): Promise<void> {
  app.get('/health/live', async () => ({ status: 'ok' }))

  app.get('/health/ready', async (_request, reply) => {
    const results = await Promise.all(options.checks.map(async (c) => [c.name, await run(c)] as const))
    const ready = results.every(([, ok]) => ok)
    reply.code(ready ? 200 : 503)
    return { status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'ok' : 'failing'])) }
  })
}
