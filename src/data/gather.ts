// Gathers the data a service's prefetch templates describe (CDS Hooks 2.0 §Prefetch), per key:
//   resource or Bundle → used (a paginated Bundle is completed from `fhirServer`);
//   null               → known to be empty;
//   OperationOutcome, something unusable, or absent → fetched from `fhirServer` with the bearer token.
// All fetches of one hook call run in parallel under one deadline. A required key that cannot be
// obtained fails the call with 412; an optional one is left absent (see requirements.ts).
import type { HookRequest } from '../cds/request.js'
import type { ServiceDefinition } from '../cds/services.js'
import { FhirFetchError, type FetchOptions, type FhirClient, type FhirJson } from '../fhir-client/client.js'
import { outgoingTraceparent } from '../observability/trace-context.js'
import { isRequiredKey } from './requirements.js'
import { expectedResourceType, onFhirServer, renderTemplate } from './templates.js'

/** The few logger methods gathering uses (a pino/Fastify logger fits). */
export interface GatherLog {
  warn (obj: Record<string, unknown>, msg: string): void
}

export interface GatherOptions {
  /**
   * Aborts the FHIR calls when the client goes away. Asked for only when something must be fetched:
   * a fully prefetched call (the common case) then costs no AbortController and no listener.
   */
  readonly signal: () => AbortSignal
  /** The incoming request's `traceparent`, continued on calls to the FHIR server. */
  readonly traceparent?: string | undefined
  readonly log?: GatherLog | undefined
  /**
   * The origins the calling client may name as `fhirServer` (its trusted-clients entry binds them);
   * any other is refused before any lookup or connection. Undefined: the allow-list alone decides.
   */
  readonly boundOrigins?: readonly string[] | undefined
}

export interface DataGatherer {
  gather (service: ServiceDefinition, request: HookRequest, options: GatherOptions): Promise<Record<string, unknown>>
}

export interface FhirGathererOptions {
  client: FhirClient
  /** Deadline for all FHIR calls of one hook call. */
  timeoutMs: number
}

/** A key that could not be obtained: why, in words safe to return to the caller. */
interface Unobtainable {
  key: string
  reason: string
  outcome: string
  status?: number | undefined
}

/**
 * A key the rules cannot do without (docs/integration.md#prefetch-and-what-the-service-fetches-itself) could be neither read
 * from the prefetch nor fetched. The hook route answers 412 with this message, which names the keys
 * and why, never the data.
 */
export class RequiredDataUnavailable extends Error {
  override name = 'RequiredDataUnavailable'
}

type KeyResult = { key: string, value: unknown } | { key: string, failed: Unobtainable }

type Plan =
  | { kind: 'ready', value: unknown }
  | { kind: 'complete', bundle: FhirJson }
  | { kind: 'fetch' }

function isResource (value: unknown): value is FhirJson {
  return value !== null && typeof value === 'object' && !Array.isArray(value) &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
}

function hasNextLink (bundle: FhirJson): boolean {
  return Array.isArray(bundle.link) && bundle.link.some((l: unknown) => (l as { relation?: unknown } | null)?.relation === 'next')
}

function plan (prefetch: Record<string, unknown>, key: string): Plan {
  if (!Object.hasOwn(prefetch, key)) return { kind: 'fetch' }
  const value = prefetch[key]
  if (value === null) return { kind: 'ready', value: null }
  // An OperationOutcome means the client tried and failed; anything that is not a resource is unusable.
  if (!isResource(value) || value.resourceType === 'OperationOutcome') return { kind: 'fetch' }
  if (value.resourceType === 'Bundle' && hasNextLink(value)) return { kind: 'complete', bundle: value }
  return { kind: 'ready', value }
}

export function fhirGatherer ({ client, timeoutMs }: FhirGathererOptions): DataGatherer {
  return {
    async gather (service, request, options) {
      const prefetch = request.prefetch ?? {}
      const plans = Object.keys(service.prefetch).map((key) => [key, plan(prefetch, key)] as const)
      const data: Record<string, unknown> = {}
      if (plans.every(([, p]) => p.kind === 'ready')) {
        for (const [key, p] of plans) if (p.kind === 'ready') data[key] = p.value
        return data
      }

      const fetchOptions: FetchOptions = {
        signal: AbortSignal.any([options.signal(), AbortSignal.timeout(timeoutMs)]),
        token: request.fhirAuthorization?.access_token,
        traceparent: outgoingTraceparent(options.traceparent)
      }
      const unbound = fhirServerNotBound(request.fhirServer, options.boundOrigins)
      const results = await Promise.all(plans.map(async ([key, p]): Promise<KeyResult> => {
        if (p.kind === 'ready') return { key, value: p.value }
        try {
          if (unbound !== undefined) throw unbound
          return { key, value: await obtain(client, service, request, key, p, fetchOptions) }
        } catch (err) {
          if (!(err instanceof FhirFetchError)) throw err
          return { key, failed: { key, reason: err.message, outcome: err.outcome, status: err.status } }
        }
      }))

      const missingRequired: Unobtainable[] = []
      for (const result of results) {
        if ('value' in result) {
          data[result.key] = result.value
          continue
        }
        const required = isRequiredKey(result.key)
        options.log?.warn({ prefetchKey: result.key, required, outcome: result.failed.outcome, ...(result.failed.status !== undefined ? { upstreamStatus: result.failed.status } : {}) },
          required ? 'required FHIR data could not be obtained' : 'optional FHIR data could not be obtained; continuing without it')
        if (required) missingRequired.push(result.failed)
      }
      if (missingRequired.length > 0) {
        throw new RequiredDataUnavailable(
          `Required FHIR data could not be obtained: ${missingRequired.map((m) => `${m.key} (${m.reason})`).join('; ')}`)
      }
      return data
    }
  }
}

/** A refusal when the request's fhirServer is not one of the client's bound origins. */
function fhirServerNotBound (fhirServer: string | undefined, bound: readonly string[] | undefined): FhirFetchError | undefined {
  if (bound === undefined || fhirServer === undefined) return undefined
  let origin: string
  try {
    origin = new URL(fhirServer).origin
  } catch {
    return new FhirFetchError('refused', 'fhirServer is not a URL')
  }
  return bound.includes(origin) ? undefined : new FhirFetchError('refused', 'fhirServer is not one of the FHIR servers registered for this CDS client')
}

async function obtain (client: FhirClient, service: ServiceDefinition, request: HookRequest, key: string,
  p: Exclude<Plan, { kind: 'ready' }>, options: FetchOptions): Promise<FhirJson> {
  const fhirServer = request.fhirServer
  if (p.kind === 'complete') {
    if (fhirServer === undefined) throw new FhirFetchError('refused', 'the prefetched Bundle has more pages but the request names no fhirServer')
    return await client.completeBundle(p.bundle, fhirServer, options)
  }
  if (fhirServer === undefined) throw new FhirFetchError('refused', 'not prefetched, and the request names no fhirServer')
  const relative = renderTemplate(service.prefetch[key] ?? '', request)
  if (relative === undefined) throw new FhirFetchError('refused', 'not prefetched, and its template needs a token the context does not carry')
  const resource = await client.readAll(onFhirServer(fhirServer, relative), options)
  const expected = expectedResourceType(relative)
  if (expected !== undefined && resource.resourceType !== expected) {
    const got = /^[A-Z][A-Za-z]{1,63}$/.test(resource.resourceType) ? resource.resourceType : 'resource'
    throw new FhirFetchError('invalid_response', `the FHIR server answered with a ${got} instead of a ${expected}`)
  }
  return resource
}
