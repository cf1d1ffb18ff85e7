// The CDS Hooks endpoints: discovery and one POST route per service. The handler is the request's
// path through the system: validate → gather data → engine → cards (→ audit record, before replying).
import type { FastifyInstance } from 'fastify'
import type { InvocationAuditor } from '../audit/invocation-audit.js'
import type { CdsEngine } from '../cds/engine-contract.js'
import { parseHookRequest, type HookRequest } from '../cds/request.js'
import { discoveryDocument, type ServiceDefinition } from '../cds/services.js'
import { RequiredDataUnavailable, type DataGatherer } from '../data/gather.js'
import { abortedByClient } from '../http/client-abort.js'
import { sendProblem } from '../http/errors.js'
import { withRuleLink } from './rules.js'

export interface CdsRoutesOptions {
  services: readonly ServiceDefinition[]
  engine: CdsEngine
  gatherer: DataGatherer
  /** Writes each call's audit record before its response leaves. */
  auditor: InvocationAuditor
  /** The service's public base URL: every card links to its rule page there. */
  publicUrl: string
}

/** Resource types from FHIR DSTU2 that R4 rules cannot read (the CDS Hooks sandbox defaults to them). */
const DSTU2_ONLY = new Set(['MedicationOrder'])

function dstu2ResourceIn (request: HookRequest): string | undefined {
  for (const entry of request.context.draftOrders?.entry ?? []) {
    const type = entry.resource?.resourceType
    if (type !== undefined && DSTU2_ONLY.has(type)) return type
  }
  return undefined
}

export async function cdsRoutes (app: FastifyInstance, options: CdsRoutesOptions): Promise<void> {
  const byId = new Map(options.services.map((s) => [s.id, s]))
  const discovery = discoveryDocument(options.services)

  app.get('/cds-services', async () => discovery)

  app.post<{ Params: { id: string } }>('/cds-services/:id', { onSend: options.auditor.onSend }, async (request, reply) => {
    const service = byId.get(request.params.id)
    if (service === undefined) return sendProblem(reply, 404, { error: 'unknown_service', message: 'No CDS service with this id' })
    request.cds = { serviceId: service.id }

    const parsed = parseHookRequest(request.body, service.hook)
    if (!parsed.ok) {
      return sendProblem(reply, 400, { error: 'invalid_request', message: `${parsed.problem.field}: ${parsed.problem.message}` })
    }
    const hookRequest = parsed.request
    request.cds = { serviceId: service.id, hookInstance: hookRequest.hookInstance }
    options.auditor.noteCall(request, hookRequest)

    const dstu2 = dstu2ResourceIn(hookRequest)
    if (dstu2 !== undefined) {
      request.log.warn({ serviceId: service.id, hookInstance: hookRequest.hookInstance, resourceType: dstu2 },
        'draft order uses a FHIR DSTU2 resource type; this service reads R4 only, answering with no cards')
      return { cards: [] }
    }

    const traceparent = request.headers.traceparent
    let data: Record<string, unknown>
    try {
      data = await options.gatherer.gather(service, hookRequest, {
        signal: () => abortedByClient(reply),
        traceparent: typeof traceparent === 'string' ? traceparent : undefined,
        log: request.log,
        boundOrigins: request.cdsClient?.fhirServers
      })
    } catch (err) {
      if (err instanceof RequiredDataUnavailable) return sendProblem(reply, 412, { error: 'required_data_unavailable', message: err.message })
      throw err
    }
    const result = options.engine.evaluate({ service, request: hookRequest, data, now: new Date() })
    app.metrics.hookEvaluations.inc({ service: service.id })
    for (const card of result.cards) app.metrics.cards.inc({ rule: card.source.topic?.code ?? 'none', indicator: card.indicator })
    options.auditor.noteDecisions(request, result.decisions)
    return { cards: result.cards.map((card) => withRuleLink(card, options.publicUrl)) }
  })
}
