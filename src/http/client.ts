// The CDS client behind a request, as established by authentication (CDS_AUTH=jwt sets it once the
// JWT is verified; it stays null when authentication is off). The audit trail records its `iss`.
import type { FastifyInstance } from 'fastify'

export interface CdsClient {
  readonly iss: string
}

declare module 'fastify' {
  interface FastifyRequest {
    client: CdsClient | null
  }
}

export function registerClientIdentity (app: FastifyInstance): void {
  app.decorateRequest('client', null)
}
