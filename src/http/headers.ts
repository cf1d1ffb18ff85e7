// Security headers for a JSON API: nothing is cached (responses carry clinical advice about a
// patient), nothing is sniffed or framed.
import type { FastifyInstance } from 'fastify'

export function registerSecurityHeaders (app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    reply.header('referrer-policy', 'no-referrer')
    reply.header('cross-origin-resource-policy', 'cross-origin')
  })
}
