// Security headers for a JSON API: nothing is cached (responses carry clinical advice about a
// patient), nothing is sniffed or framed. The rule pages set their own caching and CSP.
import type { FastifyInstance } from 'fastify'

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'cross-origin'
}

export function registerSecurityHeaders (app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    // A route that sets its own caching or CSP keeps it (the public rule pages); every other reply gets these.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value)
  })
}
