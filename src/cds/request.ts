// The CDS Hooks 2.0 request as real clients send it. Lenient about what the rules do not depend on
// (missing Bundle.type, unknown fields, resource internals, which `data` normalises later), strict about
// what they do (patientId, draftOrders, selections). Error messages name the field, never its value.
import { z } from 'zod'
import type { HookName } from './services.js'

/** FHIR id, also accepted as a relative reference `Type/id` where clients send one. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/
const RELATIVE_REF = /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/

/** Any FHIR resource: only `resourceType` is checked here; `data` reads the rest defensively. */
export const AnyResource = z.looseObject({
  resourceType: z.string().regex(/^[A-Z][A-Za-z]{1,63}$/, 'must be a FHIR resource type')
})
export type AnyResource = z.infer<typeof AnyResource>

/** A Bundle as clients send it: `type` is often missing (the CDS Hooks sandbox omits it). */
export const LenientBundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.string().optional(),
  entry: z.array(z.looseObject({ resource: AnyResource.optional() })).max(10_000).optional()
})
export type LenientBundle = z.infer<typeof LenientBundle>

const FhirAuthorizationSchema = z.looseObject({
  access_token: z.string().min(1).max(16_384),
  token_type: z.string().max(64).optional(),
  expires_in: z.number().optional(),
  scope: z.string().max(8192).optional(),
  subject: z.string().max(1024).optional(),
  patient: z.string().max(1024).optional()
})

export const HookRequestEnvelope = z.looseObject({
  hook: z.string().min(1).max(128),
  // Logged as the correlation key, so the character set is restricted; UUIDs and EHR-specific ids fit.
  hookInstance: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be a UUID or similar token (1–128 of A-Z a-z 0-9 . _ : -)'),
  fhirServer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).optional(),
  fhirAuthorization: FhirAuthorizationSchema.optional(),
  context: z.looseObject({}),
  // Each key holds a resource, `null` (known empty), or is absent (not fetched by the client).
  prefetch: z.record(z.string().max(128), z.unknown()).optional()
})
export type HookRequestEnvelope = z.infer<typeof HookRequestEnvelope>

const patientId = z.string().regex(FHIR_ID, 'must be a FHIR id')
const userId = z.string().max(256).optional()
const encounterId = z.string().max(256).optional()

const ContextSchemas = {
  'order-select': z.looseObject({
    patientId,
    userId,
    encounterId,
    selections: z.array(z.string().regex(RELATIVE_REF, 'must be a relative reference such as MedicationRequest/123')).max(1000),
    draftOrders: LenientBundle
  }),
  'order-sign': z.looseObject({
    patientId,
    userId,
    encounterId,
    draftOrders: LenientBundle
  }),
  'patient-view': z.looseObject({
    patientId,
    userId,
    encounterId
  })
} as const satisfies Record<HookName, z.ZodType>

export interface HookContext {
  patientId: string
  userId?: string | undefined
  encounterId?: string | undefined
  /** order-select only: the newly selected orders, as `Type/id`. */
  selections?: string[] | undefined
  /** order-select and order-sign: every unsigned order of the session. */
  draftOrders?: LenientBundle | undefined
}

export interface FhirAuthorization {
  access_token: string
  token_type?: string | undefined
  expires_in?: number | undefined
  scope?: string | undefined
  subject?: string | undefined
  patient?: string | undefined
}

export interface HookRequest {
  hook: string
  hookInstance: string
  fhirServer?: string | undefined
  fhirAuthorization?: FhirAuthorization | undefined
  context: HookContext
  prefetch?: Record<string, unknown> | undefined
}

export interface RequestProblem {
  /** Dotted path of the offending field, e.g. `context.patientId`. */
  field: string
  message: string
}

export type ParseResult = { ok: true, request: HookRequest } | { ok: false, problem: RequestProblem }

function firstProblem (error: z.ZodError, prefix: string[]): RequestProblem {
  const issue = error.issues[0]
  const path = [...prefix, ...(issue?.path ?? []).map(String)]
  return { field: path.join('.') || '(body)', message: issue?.message ?? 'invalid' }
}

/** Validates a hook call body for a service implementing `hook`. */
export function parseHookRequest (body: unknown, hook: HookName): ParseResult {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problem: { field: '(body)', message: 'must be a JSON object' } }
  }
  const envelope = HookRequestEnvelope.safeParse(body)
  if (!envelope.success) return { ok: false, problem: firstProblem(envelope.error, []) }
  if (envelope.data.hook !== hook) {
    return { ok: false, problem: { field: 'hook', message: `this service implements "${hook}"` } }
  }
  const context = ContextSchemas[hook].safeParse(envelope.data.context)
  if (!context.success) return { ok: false, problem: firstProblem(context.error, ['context']) }
  return { ok: true, request: { ...envelope.data, context: context.data } }
}
