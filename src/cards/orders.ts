// The FHIR R4 resources a suggestion creates: a fully coded, weight-dosed MedicationRequest (draft,
// intent order) and laboratory ServiceRequests. What goes out is accurate: verified codes only
// (src/terminology/orderables.ts), UCUM units, and the dose basis written on the order.
import { isoDay } from '../fhir/dates.js'
import { ORDERABLE_LOINC } from '../terminology/labs.js'
import { ORDERABLE, ROUTE } from '../terminology/orderables.js'
import { SYSTEM } from '../terminology/systems.js'
import type { OptionStep, OrderOption } from '../rules/types.js'
import { fmt } from '../rules/values.js'

export interface OrderContext {
  readonly patientId: string
  readonly encounterId?: string
  /** The VTE being treated, for reasonReference. */
  readonly conditionId?: string
  readonly nowMs: number
  /** "weight 78.4 kg on 2026-10-30", written on the order. */
  readonly weightText?: string
}

/** A FHIR resource as a suggestion action carries it. */
export type ActionResource = { resourceType: string } & Record<string, unknown>

const UCUM_UNIT = { mg: { unit: 'mg', code: 'mg' }, IU: { unit: 'IU', code: '[iU]' } } as const

function frequencyWords (everyHours: 12 | 24): string {
  return everyHours === 12 ? 'every 12 hours' : 'once daily'
}

export function stepText (step: OptionStep, route: string): string {
  const perKg = step.perKg !== undefined ? ` (${fmt(step.perKg, 2)} ${step.unit === 'mg' ? 'mg' : 'IU'}/kg${step.capped === true ? ', capped at the maximum' : ''})` : ''
  return `${fmt(step.dose)} ${step.unit} ${route} ${frequencyWords(step.everyHours)}${perKg}`
}

/** One line for a suggestion label: "dalteparin 15 700 IU SC once daily until 2026-11-30, then 11 800 IU SC once daily". */
export function optionText (option: OrderOption): string {
  const route = ORDERABLE[option.agent].route === 'oral' ? 'orally' : 'SC'
  return `${option.agent} ` + option.steps.map((s, i) =>
    `${i > 0 ? 'then ' : ''}${stepText(s, route)}${s.untilMs !== undefined ? ` until ${isoDay(s.untilMs)}` : ''}`).join(', ')
}

export function medicationRequestFor (option: OrderOption, ctx: OrderContext): ActionResource {
  const orderable = ORDERABLE[option.agent]
  const route = ROUTE[orderable.route]
  const routeShort = orderable.route === 'oral' ? 'orally' : 'SC'
  const today = isoDay(ctx.nowMs)
  const dosageInstruction = option.steps.map((step, i) => {
    const previousEnd = option.steps[i - 1]?.untilMs
    const bounds = step.untilMs !== undefined
      ? { boundsPeriod: { start: previousEnd !== undefined ? isoDay(previousEnd) : today, end: isoDay(step.untilMs) } }
      : previousEnd !== undefined ? { boundsPeriod: { start: isoDay(previousEnd) } } : {}
    return {
      sequence: i + 1,
      text: `${stepText(step, routeShort)}${step.untilMs !== undefined ? ` until ${isoDay(step.untilMs)}` : ''}`,
      timing: { repeat: { frequency: 1, period: step.everyHours === 12 ? 12 : 1, periodUnit: step.everyHours === 12 ? 'h' : 'd', ...bounds } },
      route: { coding: [{ system: route.system, code: route.code, display: route.display }], text: orderable.route },
      doseAndRate: [{ doseQuantity: { value: step.dose, unit: UCUM_UNIT[step.unit].unit, system: SYSTEM.ucum, code: UCUM_UNIT[step.unit].code } }]
    }
  })
  return {
    resourceType: 'MedicationRequest',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${ctx.patientId}` },
    ...(ctx.encounterId !== undefined ? { encounter: { reference: `Encounter/${ctx.encounterId}` } } : {}),
    authoredOn: today,
    medicationCodeableConcept: { coding: orderable.codings.map((c) => ({ system: c.system, code: c.code, display: c.display })), text: orderable.text },
    ...(ctx.conditionId !== undefined ? { reasonReference: [{ reference: `Condition/${ctx.conditionId}` }] } : {}),
    dosageInstruction,
    note: [{
      text: `Suggested by CAT-CDS: ${option.basis}${ctx.weightText !== undefined && option.steps.some((s) => s.perKg !== undefined) ? `, from ${ctx.weightText}` : ''}. ` +
        (option.discontinue !== undefined ? `Replaces ${option.discontinue}: discontinue it. ` : '') +
        'Round to the available syringe per local policy; pharmacist review.'
    }]
  }
}

export function labOrderFor (lab: keyof typeof ORDERABLE_LOINC, ctx: OrderContext): ActionResource {
  const code = ORDERABLE_LOINC[lab]
  return {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: 'order',
    code: { coding: [{ ...code }], text: code.display },
    subject: { reference: `Patient/${ctx.patientId}` },
    ...(ctx.encounterId !== undefined ? { encounter: { reference: `Encounter/${ctx.encounterId}` } } : {}),
    authoredOn: isoDay(ctx.nowMs)
  }
}
