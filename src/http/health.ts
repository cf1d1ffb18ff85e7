// Liveness for container orchestrators: answers while the process can serve HTTP at all.
// Needs no CDS client JWT (probes cannot sign one); keep it off the public ingress.
import type { FastifyInstance } from 'fastify'

export async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/health/live', async () => ({ status: 'ok' }))
}
