// One place that turns failures into the contract's status codes and JSON bodies `{error, message}`.
// Bodies never echo request content (it carries PHI); unexpected errors are a bug and say only that.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { SECURITY_HEADERS } from './headers.js'
import { safeError } from './logging.js'

export interface ErrorBody {
  error: string
  message: string
}

/** An error whose status and wording are safe to show to the client. */
export class HttpError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string) {
    super(message)
    this.name = 'HttpError'
  }
}

/** Fastify's own client errors, mapped to stable codes and messages of our choosing. */
const FASTIFY_ERRORS: Record<string, { status: number, error: string, message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'payload_too_large', message: 'Request body is larger than the configured limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported_media_type', message: 'Content-Type must be application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'invalid_request', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'invalid_json', message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid_json', message: 'Request body is not valid JSON' }
}

function classify (err: FastifyError): { status: number, body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.statusCode, body: { error: err.code, message: err.message } }
  const known = err.code !== undefined ? FASTIFY_ERRORS[err.code] : undefined
  if (known !== undefined) return { status: known.status, body: { error: known.error, message: known.message } }
  // JSON.parse and secure-json-parse errors quote part of the body in their message: never pass it on.
  if (err instanceof SyntaxError || err.message?.includes('prototype')) {
    return { status: 400, body: { error: 'invalid_json', message: 'Request body is not valid JSON' } }
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500
  if (status >= 400 && status < 500) return { status, body: { error: 'invalid_request', message: 'The request was rejected' } }
  return { status: 500, body: { error: 'internal_error', message: 'Internal error; the request has been logged' } }
}

export interface ErrorHandlingOptions {
  /** Runs before the 404 handler (the rate limiter, so unknown paths cannot be probed at full speed). */
  notFoundPreHandler?: preHandlerAsyncHookHandler | undefined
}

export function registerErrorHandling (app: FastifyInstance, options: ErrorHandlingOptions = {}): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = classify(err)
    // Only the error's type, code and stack: its message could quote data.
    if (status >= 500) request.log.error(safeError(err), 'unhandled error')
    sendProblem(reply, status, body)
  })

  const notFoundOptions = options.notFoundPreHandler !== undefined ? { preHandler: options.notFoundPreHandler } : {}
  app.setNotFoundHandler(notFoundOptions, (_request, reply) => {
    sendProblem(reply, 404, { error: 'not_found', message: 'No such endpoint' })
  })
}

export function sendProblem (reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  reply.request.errorCode = body.error
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

/**
 * Errors the router raises before any route runs (bad percent-encoding, an over-long path segment):
 * the contract's body, never Fastify's default that quotes the raw path.
 */
export function routingErrorHandler (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No route, so no onSend hooks and no completion log: headers and the one request line are set here.
  reply.headers(SECURITY_HEADERS)
  const long = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
  const status = long ? 414 : 400
  const body = long
    ? { error: 'uri_too_long', message: 'A path segment is longer than 128 characters' }
    : { error: 'invalid_url', message: 'The URL path is not valid percent-encoding' }
  request.log.info({ method: request.method, route: null, status, errorCode: body.error }, 'request')
  sendProblem(reply, status, body)
}
