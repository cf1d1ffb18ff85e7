// Keep-alive connections during shutdown. Closing the server waits for every connection to end, and
// a keep-alive connection whose request finishes after close() began would sit idle until the
// keep-alive timeout, longer than any grace period, so the drain would always end in a forced exit.
// Once closing starts, every response says `Connection: close`, and a connection that turns idle is
// closed at once.
import type { FastifyInstance } from 'fastify'

export function registerConnectionDraining (app: FastifyInstance): void {
  let draining = false
  app.addHook('preClose', async () => { draining = true })
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close')
  })
  app.addHook('onResponse', async () => {
    // Covers a response whose headers were already on the way when closing began.
    if (draining) app.server.closeIdleConnections()
  })
}
