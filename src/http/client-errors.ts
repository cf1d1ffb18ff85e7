// Errors Node's HTTP parser raises before a request reaches Fastify's routing: oversize headers
// (431), malformed requests (400) and timeouts (408). Answered in the same JSON shape and with the
// same no-store/nosniff headers as every other error, then the connection is closed.
import type { Socket } from 'node:net'

const ANSWERS: Record<string, { status: number, reason: string, error: string, message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', error: 'headers_too_large', message: 'Request headers are larger than the configured limit' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', error: 'request_timeout', message: 'The request was not received in time' }
}
const MALFORMED = { status: 400, reason: 'Bad Request', error: 'invalid_request', message: 'Malformed HTTP request' }

export function clientErrorHandler (err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const answer = ANSWERS[err.code ?? ''] ?? MALFORMED
  const body = JSON.stringify({ error: answer.error, message: answer.message })
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}
