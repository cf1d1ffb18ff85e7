// CORS for browser-based CDS clients such as the public CDS Hooks sandbox. The bearer JWT travels in
// a header, not a cookie, so credentials are never allowed.
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'

export async function registerCors (app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const any = origins.includes('*')
  const allowed = new Set(origins)
  await app.register(cors, {
    origin: any ? '*' : (origin, cb) => { cb(null, origin === undefined ? false : allowed.has(origin)) },
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'traceparent', 'tracestate'],
    exposedHeaders: ['X-Request-Id'],
    credentials: false,
    maxAge: 600,
    strictPreflight: true
  })
}
