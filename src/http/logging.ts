// Structured pino logging without PHI. Requests are logged once, by us, with the route template
// (never the raw URL), status, duration and the CDS correlation keys. Bodies and headers are never
// logged; the redaction list is a second line of defence should anyone log an object carrying them.
import { randomUUID } from 'node:crypto'
import { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { LoggerOptions, DestinationStream } from 'pino'
import { currentTraceId } from '../observability/trace-context.js'

export const REDACT_PATHS = [
  'authorization', '*.authorization', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  'fhirAuthorization', '*.fhirAuthorization', 'access_token', '*.access_token', 'token', '*.token', 'jwt', '*.jwt',
  'prefetch', '*.prefetch', 'context', '*.context', 'draftOrders', '*.draftOrders', 'body', '*.body',
  'patientId', '*.patientId', 'patient', '*.patient', 'identifier', '*.identifier', 'name', '*.name', 'birthDate', '*.birthDate'
]

export interface LoggingOptions {
  level: string
  /** Where log lines go; stdout when omitted. Tests pass a capturing stream. */
  stream?: DestinationStream | undefined
}

export function loggerOptions (options: LoggingOptions): LoggerOptions & { stream?: DestinationStream } {
  return {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    // Fastify's default req serializer logs the raw URL and remote address; we log our own fields instead.
    serializers: {
      req: () => undefined,
      res: () => undefined
    },
    ...(options.stream !== undefined ? { stream: options.stream } : {})
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

/** Accepts a well-formed incoming `x-request-id` (so EHR and service logs join), else makes one. */
export function requestIdFor (req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

declare module 'fastify' {
  interface FastifyRequest {
    /** CDS correlation keys, set by the hook route once known. */
    cds: { serviceId?: string, hookInstance?: string } | null
    /** The `error` code of a 4xx/5xx body we sent, for the request's log line. */
    errorCode: string | null
  }
}

function routeOf (request: FastifyRequest): string {
  return request.routeOptions.url ?? '(unmatched)'
}

/** Fastify's error payloads may quote request data in `message`: keep only type, code and frames. */
export function safeError (err: Error & { code?: string }): Record<string, unknown> {
  // An expected condition (the store still opening) is not a bug: a stack on every request would bury the one line that matters.
  if (EXPECTED_ERRORS.has(err.name)) return { errType: err.name }
  return { errType: err.name, errCode: err.code, stack: err.stack?.split('\n').slice(1, 8).join('\n') }
}

const EXPECTED_ERRORS = new Set(['StoreNotOpenError'])

/**
 * Replaces Fastify's request log lines: one line per request, written when the response is done,
 * with route template, status, duration and the CDS correlation keys.
 */
export class CdsLogController extends LogController {
  override incomingRequest (): void {}
  override routeNotFound (): void {}

  override requestCompleted (error: FastifyError | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode
    const line = {
      method: request.method,
      route: routeOf(request),
      status,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      ...(request.cds?.serviceId !== undefined ? { serviceId: request.cds.serviceId } : {}),
      ...(request.cds?.hookInstance !== undefined ? { hookInstance: request.cds.hookInstance } : {}),
      ...(request.errorCode !== null ? { errorCode: request.errorCode } : {}),
      ...(error instanceof Error ? safeError(error) : {})
    }
    // 503 is the service protecting itself (shedding, not ready, closing): a warning, not a bug.
    if (error instanceof Error || (status >= 500 && status !== 503)) request.log.error(line, 'request')
    else if (status === 503) request.log.warn(line, 'request')
    else request.log.info(line, 'request')
  }

  override defaultErrorLog (error: FastifyError, request: FastifyRequest): void {
    request.log.error(safeError(error), 'request error')
  }

  override streamError (error: FastifyError, request: FastifyRequest): void {
    request.log.warn(safeError(error), 'response stream error')
  }
}

export function registerRequestLogging (app: FastifyInstance): void {
  app.decorateRequest('cds', null)
  app.decorateRequest('errorCode', null)
  // Every line of a traced request carries its trace id, so logs and traces join up.
  app.addHook('onRequest', async (request, reply) => {
    const traceId = currentTraceId(request.headers)
    if (traceId === undefined) return
    request.log = request.log.child({ traceId })
    reply.log = request.log
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
}
