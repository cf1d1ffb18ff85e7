// Puts CDS client authentication in front of every route under /cds-services (discovery, services,
// feedback, and whatever is added there later). Health, metrics and CORS preflights stay open:
// probes and browsers cannot sign a JWT. A refusal is a 401 whose WWW-Authenticate header names the
// reason as a fixed code (RFC 6750 §3), so an integrator can see why without our logs; the same code
// goes to the metric and one log line with the token's issuer, kid and jti, never the token.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sendProblem } from '../http/errors.js'
import type { Metrics } from '../observability/metrics.js'
import { AUTH_FAILURE_REASONS, type AuthFailureReason, type ClientAuthenticator, type VerifiedClient } from './verify.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified CDS client of this call; null when authentication is off or the route is open. */
    cdsClient: VerifiedClient | null
  }
}

export const PROTECTED_PREFIX = '/cds-services'

export interface ClientAuthOptions {
  /** Absent when CDS_AUTH=off: routes stay open and `request.cdsClient` stays null. */
  readonly authenticator?: ClientAuthenticator | undefined
  /** Base URLs clients use to reach the service (config.publicUrls). */
  readonly publicUrls: readonly string[]
  readonly metrics: Metrics
}

export function isProtectedRoute (request: FastifyRequest): boolean {
  const route = request.routeOptions.url
  return request.method !== 'OPTIONS' && route !== undefined &&
    (route === PROTECTED_PREFIX || route.startsWith(`${PROTECTED_PREFIX}/`))
}

/** The exact URLs this call may have been addressed to: each public base URL + the path called. */
export function audiencesFor (request: FastifyRequest, publicUrls: readonly string[]): string[] {
  const query = request.url.indexOf('?')
  const path = query === -1 ? request.url : request.url.slice(0, query)
  return publicUrls.map((base) => base + path)
}

/** The Bearer challenge for a refusal: only the fixed reason code, never anything from the token. */
export function challenge (reason: AuthFailureReason): string {
  return `Bearer realm="cat-cds", error="invalid_token", error_description="${reason}"`
}

export function registerClientAuth (app: FastifyInstance, options: ClientAuthOptions): void {
  app.decorateRequest('cdsClient', null)
  const { authenticator, metrics, publicUrls } = options
  if (authenticator === undefined) {
    app.log.info({ auth: 'off' }, 'client authentication is off: calls are accepted without a JWT (development only)')
    return
  }
  // The exact `aud` values are the commonest setup mistake, so the boot log lists what is accepted.
  app.log.info({ auth: 'jwt', audiences: publicUrls.map((base) => `${base}${PROTECTED_PREFIX}/…`) },
    'client authentication on: a JWT aud must be the exact URL called, under one of these (CDS_PUBLIC_URL)')

  // Every reason is exported from the start, so a dashboard sees 0 rather than no series.
  for (const reason of AUTH_FAILURE_REASONS) metrics.jwtFailures.labels({ reason }).inc(0)

  app.addHook('onRequest', async (request, reply) => {
    if (!isProtectedRoute(request)) return
    const result = await authenticator.authenticate(request.headers.authorization, audiencesFor(request, publicUrls))
    if (result.ok) {
      request.cdsClient = result.client
      return
    }
    metrics.jwtFailures.labels({ reason: result.reason }).inc()
    request.log.warn({ authFailure: result.reason, ...result.log }, 'CDS client authentication failed')
    reply.header('www-authenticate', challenge(result.reason))
    return sendProblem(reply, 401, { error: 'unauthorized', message: `Client authentication failed: ${result.reason}` })
  })
}
