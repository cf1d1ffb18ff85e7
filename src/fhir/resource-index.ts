// One pass over the request's resources — every prefetch value (a resource, a searchset Bundle with or
// without `type`, or null) and the draft-orders Bundle — indexed by type, by reference and, for
// Observations, by code. Nothing downstream walks a Bundle again, and FHIRPath only ever sees the
// individual resources handed out from here.
import { asArray, codingsOf, isObject, str, type Json } from './normalize.js'

export interface DraftOrder {
  readonly resource: Json
  /** `Type/id`, the form `context.selections` and a suggestion's `resourceId` use. */
  readonly ref: string | undefined
  /** Named in `context.selections` (order-select). */
  readonly selected: boolean
}

export interface ResourceIndex {
  /** The patient the hook is about (`context.patientId`), if it was prefetched. */
  readonly patient: Json | undefined
  /** Prefetched resources of a type (drafts excluded). */
  byType (type: string): readonly Json[]
  /** Prefetched Observations carrying `system|code`. */
  observationsWithCode (system: string, code: string): readonly Json[]
  /** Draft orders in bundle order. */
  readonly drafts: readonly DraftOrder[]
  /**
   * Resolves a reference from `from`: `#id` against `from.contained`, `Type/id` (also the tail of an
   * absolute URL, without `_history`) or a `fullUrl` against every indexed resource.
   */
  resolve (reference: string, from?: Json): Json | undefined
}

const NO_RESOURCES: readonly Json[] = Object.freeze([])

export interface IndexInput {
  /** Prefetch keys resolved to data (HookCall.data). */
  readonly data: Readonly<Record<string, unknown>>
  readonly draftOrders?: unknown
  readonly selections?: readonly string[] | undefined
  readonly patientId: string
}

function refOf (resource: Json): string | undefined {
  const type = str(resource.resourceType)
  const id = str(resource.id)
  return type !== undefined && id !== undefined ? `${type}/${id}` : undefined
}

/** `Type/id` at the end of a relative or absolute reference, ignoring `/_history/n`. */
function tailRef (reference: string): string | undefined {
  const parts = reference.replace(/\/_history\/[^/]+$/, '').split('/')
  const id = parts.pop()
  const type = parts.pop()
  return type !== undefined && id !== undefined && /^[A-Z]/.test(type) ? `${type}/${id}` : undefined
}

export function indexResources (input: IndexInput): ResourceIndex {
  const byType = new Map<string, Json[]>()
  const byRef = new Map<string, Json>()
  const observationsByCode = new Map<string, Json[]>()
  const drafts: DraftOrder[] = []
  const selections = new Set(input.selections ?? [])

  const remember = (resource: Json, fullUrl: unknown): string | undefined => {
    const ref = refOf(resource)
    if (ref !== undefined && !byRef.has(ref)) byRef.set(ref, resource)
    const url = str(fullUrl)
    if (url !== undefined && !byRef.has(url)) byRef.set(url, resource)
    return ref
  }

  // Drafts first, so that a prefetched copy of a draft (same Type/id) is recognised and skipped.
  const draftBundle = input.draftOrders
  if (isObject(draftBundle)) {
    for (const entry of asArray(draftBundle.entry)) {
      if (!isObject(entry) || !isObject(entry.resource)) continue
      const resource = entry.resource
      const ref = remember(resource, entry.fullUrl)
      const type = str(resource.resourceType)
      // Medications in the draft bundle are there to be resolved (Epic's medicationReference).
      if (type === undefined || type === 'Medication') continue
      drafts.push({ resource, ref, selected: ref !== undefined && selections.has(ref) })
    }
  }

  const add = (resource: Json, fullUrl: unknown): void => {
    const type = str(resource.resourceType)
    if (type === undefined || type === 'OperationOutcome') return
    // Already indexed: a prefetched copy of a draft, or one resource under two prefetch keys.
    if (byRef.has(refOf(resource) ?? '')) return
    remember(resource, fullUrl)
    let list = byType.get(type)
    if (list === undefined) byType.set(type, list = [])
    list.push(resource)
    if (type === 'Observation') {
      for (const c of codingsOf(resource.code)) {
        const k = `${c.system ?? ''}|${c.code}`
        let obs = observationsByCode.get(k)
        if (obs === undefined) observationsByCode.set(k, obs = [])
        obs.push(resource)
      }
    }
  }

  for (const value of Object.values(input.data)) {
    if (!isObject(value)) continue
    if (value.resourceType === 'Bundle') {
      for (const entry of asArray(value.entry)) {
        if (isObject(entry) && isObject(entry.resource)) add(entry.resource, entry.fullUrl)
      }
    } else {
      add(value, undefined)
    }
  }

  const patients = byType.get('Patient') ?? []
  // A Patient with another id is another patient's data: never used.
  const patient = patients.find((p) => p.id === input.patientId) ?? patients.find((p) => p.id === undefined)

  return {
    patient,
    drafts,
    byType: (type) => byType.get(type) ?? NO_RESOURCES,
    observationsWithCode: (system, code) => observationsByCode.get(`${system}|${code}`) ?? NO_RESOURCES,
    resolve (reference, from) {
      if (reference.startsWith('#')) {
        const id = reference.slice(1)
        return from === undefined ? undefined : asArray(from.contained).find((c): c is Json => isObject(c) && c.id === id)
      }
      const direct = byRef.get(reference)
      if (direct !== undefined) return direct
      const tail = tailRef(reference)
      return tail === undefined ? undefined : byRef.get(tail)
    }
  }
}
