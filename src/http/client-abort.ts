// A signal that aborts when the client goes away before its response is written. Fastify 5.12's
// `request.signal` cannot serve: it listens for the request stream's 'close', which also fires as
// soon as a POST body has been read, so it aborts every hook call at once (fastify/fastify#6725,
// #7033). The response stream closing before it ended is the reliable sign of a disconnect.
import type { FastifyReply } from 'fastify'

export function abortedByClient (reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  const res = reply.raw
  res.once('close', () => {
    if (!res.writableEnded) controller.abort()
  })
  return controller.signal
}
