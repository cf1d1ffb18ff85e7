// Gathers the data a service's prefetch templates describe. This version uses only what the client
// prefetched; keys the client left out stay absent, and the engine treats them as unavailable.
import type { HookRequest } from '../cds/request.js'
import type { ServiceDefinition } from '../cds/services.js'

export interface GatherOptions {
  readonly signal: AbortSignal
}

export interface DataGatherer {
  gather (service: ServiceDefinition, request: HookRequest, options: GatherOptions): Promise<Record<string, unknown>>
}

/** Keeps the prefetch keys the service asked for whose value is a resource or `null`. */
export function prefetchedData (service: ServiceDefinition, request: HookRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const prefetch = request.prefetch ?? {}
  for (const key of Object.keys(service.prefetch)) {
    if (!Object.hasOwn(prefetch, key)) continue
    const value = prefetch[key]
    if (value === null || (typeof value === 'object' && !Array.isArray(value))) out[key] = value
  }
  return out
}

export const prefetchOnlyGatherer: DataGatherer = {
  gather: async (service, request) => prefetchedData(service, request)
}
