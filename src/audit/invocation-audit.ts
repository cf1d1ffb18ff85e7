// Every hook call leaves an audit record, and its response leaves only once that record is durable.
// The route notes what it learnt (hook, patient, decisions); this `onSend` hook then writes the record
// with the status about to be sent, and turns a 2xx into a 503 if the record cannot be made durable:
// decision support that was not audited is not given. Rejected calls (400, 401, 412, 500 …) are
// audited too, without PHI; calls refused before they could be read (413, 415, 429, 503) and unknown
// services are not, so floods of junk cost no writes.
import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Decision } from '../cds/engine-contract.js'
import type { HookRequest } from '../cds/request.js'
import { safeError } from '../http/logging.js'
import { sanitizeInputs, type DecisionRecord, type InvocationRecord } from '../store/records.js'
import type { AuditStore } from '../store/store.js'
import type { PatientKeyer } from './patient-key.js'

const NOT_AUDITED = new Set([404, 413, 415, 429, 503])
const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/

interface NotedCall {
  hook: string
  patientHmac: string
  fhirServer: string | null
  decisions: readonly Decision[]
}

export const AUDIT_UNAVAILABLE = {
  error: 'audit_unavailable',
  message: 'The audit record could not be stored, so no decision support was given; retry later'
}

export function decisionRecords (decisions: readonly Decision[]): DecisionRecord[] {
  return decisions.map((d, seq) => ({
    seq,
    ruleId: d.ruleId,
    ruleVersion: d.ruleVersion,
    fired: d.fired,
    cardUuid: d.cardUuid ?? null,
    indicator: d.indicator ?? null,
    inputs: d.inputs === undefined ? null : sanitizeInputs(d.inputs) as Record<string, unknown>
  }))
}

/** The hookInstance of a body that failed validation elsewhere, if it is a well-formed token. */
function hookInstanceOf (body: unknown): string | null {
  const value = typeof body === 'object' && body !== null ? (body as { hookInstance?: unknown }).hookInstance : undefined
  return typeof value === 'string' && TOKEN.test(value) ? value : null
}

export class InvocationAuditor {
  readonly #calls = new WeakMap<FastifyRequest, NotedCall>()

  constructor (
    private readonly store: AuditStore,
    private readonly patientKey: PatientKeyer,
    private readonly serviceIds: ReadonlySet<string>
  ) {}

  /** The call was valid: remember what the record needs, keyed to the request (never on it). */
  noteCall (request: FastifyRequest, hookRequest: HookRequest): void {
    this.#calls.set(request, {
      hook: hookRequest.hook,
      patientHmac: this.patientKey(hookRequest.context.patientId),
      fhirServer: originOf(hookRequest.fhirServer),
      decisions: []
    })
  }

  noteDecisions (request: FastifyRequest, decisions: readonly Decision[]): void {
    const call = this.#calls.get(request)
    if (call !== undefined) call.decisions = decisions
  }

  /** Route-level onSend hook of the hook route. */
  readonly onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const serviceId = (request.params as { id?: string }).id
    const status = reply.statusCode
    if (serviceId === undefined || !this.serviceIds.has(serviceId) || NOT_AUDITED.has(status)) return payload

    const call = this.#calls.get(request)
    const durationMs = reply.elapsedTime
    const record: InvocationRecord = {
      id: randomUUID(),
      hookInstance: request.cds?.hookInstance ?? hookInstanceOf(request.body),
      serviceId,
      hook: call?.hook ?? null,
      clientIss: request.cdsClient?.iss ?? null,
      patientHmac: call?.patientHmac ?? null,
      fhirServer: call?.fhirServer ?? null,
      requestId: request.id,
      receivedAt: new Date(Date.now() - durationMs),
      durationMs: Math.round(durationMs * 1000) / 1000,
      status,
      errorCode: request.errorCode,
      decisions: decisionRecords(call?.decisions ?? [])
    }
    try {
      await this.store.recordInvocation(record)
      return payload
    } catch (err) {
      if (status >= 300) {
        // The client is told it failed either way; only the record is missing.
        request.log.error({ ...safeError(err as Error), status }, 'audit record of a rejected call could not be stored')
        return payload
      }
      request.log.error(safeError(err as Error), 'audit record could not be stored; answering 503 instead of the cards')
      request.errorCode = AUDIT_UNAVAILABLE.error
      reply.code(503).type('application/json; charset=utf-8').header('retry-after', '1')
      return JSON.stringify(AUDIT_UNAVAILABLE)
    }
  }
}

/**
 * The FHIR server as the audit trail keeps it: its origin only. The URL's path can name a patient
 * (`…/Patient/123`) and its user-info a password, neither of which may be stored.
 */
export function originOf (fhirServer: string | undefined): string | null {
  if (fhirServer === undefined) return null
  try {
    const origin = new URL(fhirServer).origin
    return origin === 'null' ? null : origin
  } catch {
    return null
  }
}
