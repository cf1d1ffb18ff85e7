// GET /rules, /rules/{id}, /rules/style.css and /rules/favicon.svg: the rule pages the cards link to. Public (no JWT: they
// hold no patient data), cacheable with an ETag, and locked down by a Content-Security-Policy that
// allows our own stylesheet and nothing else.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Card, Link } from '../cds/response.js'
import { RULES } from '../rules/catalogue.js'
import { FAVICON, indexPage, notFoundPage, rulePage, STYLESHEET } from '../pages/rule-pages.js'

export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** "Why this card (CAT-02)" → {base}/rules/CAT-02, on every card. */
export function withRuleLink (card: Card, base: string): Card {
  const id = card.source.topic?.code
  if (id === undefined) return card
  const link: Link = { label: `Why this card (${id})`, url: `${base}/rules/${id}`, type: 'absolute' }
  return { ...card, links: [...(card.links ?? []), link] }
}

interface Asset {
  readonly body: string
  readonly type: string
  readonly etag: string
}

const asset = (body: string, type: string): Asset => ({ body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` })

function send (request: FastifyRequest, reply: FastifyReply, a: Asset, status = 200): FastifyReply {
  reply.header('content-type', a.type)
  reply.header('content-security-policy', PAGE_CSP)
  reply.header('cache-control', status === 200 ? 'public, max-age=3600' : 'no-store')
  reply.header('etag', a.etag)
  if (status === 200 && request.headers['if-none-match'] === a.etag) return reply.code(304).send()
  return reply.code(status).send(a.body)
}

export async function rulePageRoutes (app: FastifyInstance): Promise<void> {
  // Rendered once: the catalogue does not change while the process runs.
  const pages = new Map(RULES.map((r) => [r.id, asset(rulePage(r), 'text/html; charset=utf-8')]))
  const index = asset(indexPage(), 'text/html; charset=utf-8')
  const notFound = asset(notFoundPage(), 'text/html; charset=utf-8')
  const css = asset(STYLESHEET, 'text/css; charset=utf-8')
  const icon = asset(FAVICON, 'image/svg+xml')

  app.get('/rules', async (request, reply) => send(request, reply, index))
  app.get('/rules/style.css', async (request, reply) => send(request, reply, css))
  app.get('/rules/favicon.svg', async (request, reply) => send(request, reply, icon))
  app.get<{ Params: { id: string } }>('/rules/:id', async (request, reply) => {
    const page = pages.get(request.params.id.toUpperCase())
    return page === undefined ? send(request, reply, notFound, 404) : send(request, reply, page)
  })
}
