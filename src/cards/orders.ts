// The FHIR R4 resources a suggestion creates: fully coded, dosed MedicationRequests (draft, intent
// order) and laboratory ServiceRequests. Each order names the product the ward gives (the syringe that
// holds the dose, the tablet strength; src/terminology/orderables.ts), so a regimen whose steps need
// different products becomes consecutive orders. Every dosage carries timing, route, dose and a
// boundsPeriod, in UCUM units.
import { DAY_MS, isoDay } from '../fhir/dates.js'
import { MARKETED_SYRINGES, syringeFor, type Formulary } from '../dosing/presentations.js'
import { ORDERABLE_LOINC } from '../terminology/labs.js'
import { orderableFor, ROUTE, routeOf, type Orderable } from '../terminology/orderables.js'
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
  /** Stocked syringes decide the product an LMWH dose is coded to. */
  readonly formulary?: Formulary
}

/** A FHIR resource as a suggestion action carries it. */
export type ActionResource = { resourceType: string } & Record<string, unknown>

const UCUM_UNIT = { mg: { unit: 'mg', code: 'mg' }, IU: { unit: 'IU', code: '[iU]' } } as const

function frequencyWords (everyHours: 12 | 24): string {
  return everyHours === 12 ? 'every 12 hours' : 'once daily'
}

export function stepText (step: OptionStep, route: string, explain = true): string {
  const why = !explain
    ? ''
    : step.band !== undefined
      ? ` (label weight band ${step.band})`
      : step.perKg !== undefined ? ` (${fmt(step.perKg, 2)} ${step.unit === 'mg' ? 'mg' : 'IU'}/kg${step.capped === true ? ', capped at the maximum' : ''})` : ''
  return `${fmt(step.dose, 1)} ${step.unit} ${route} ${frequencyWords(step.everyHours)}${why}`
}

/** The last day of a step that ends at `untilMs` (the next step starts that day): FHIR period ends are inclusive. */
export const lastDay = (untilMs: number): string => isoDay(untilMs - DAY_MS)

const routeWord = (option: OrderOption): string => routeOf(option.agent) === 'oral' ? 'orally' : 'SC'

function stepsText (option: OrderOption, today: string): string {
  // The weight band is said once when every step comes from the same band.
  return `${option.agent} ` + option.steps.map((s, i) =>
    `${i > 0 ? 'then ' : ''}${stepText(s, routeWord(option), i === 0 || s.band !== option.steps[i - 1]?.band)}${s.fromMs !== undefined && isoDay(s.fromMs) !== today ? ` from ${isoDay(s.fromMs)}` : ''}${s.untilMs !== undefined ? ` through ${lastDay(s.untilMs)}` : ''}`).join(', ')
}

/** One line for a suggestion label: "dalteparin 15 000 IU SC once daily through 2026-11-29, then 12 500 IU SC once daily". */
export function optionText (option: OrderOption, nowMs = Date.now()): string {
  const today = isoDay(nowMs)
  return option.leadIn !== undefined ? `${stepsText(option.leadIn, today)}, then ${stepsText(option, today)}` : stepsText(option, today)
}

/** When each step starts and ends, as days: the step's own start, else the previous step's end, else today. */
function spans (option: OrderOption, nowMs: number): Array<{ step: OptionStep, start: number, end?: number }> {
  let from = option.steps[0]?.fromMs ?? nowMs
  return option.steps.map((step) => {
    const start = step.fromMs ?? from
    if (step.untilMs !== undefined) from = step.untilMs
    return { step, start, ...(step.untilMs !== undefined ? { end: step.untilMs } : {}) }
  })
}

function oneOrder (option: OrderOption, group: Array<{ step: OptionStep, start: number, end?: number }>, orderable: Orderable, ctx: OrderContext): ActionResource {
  const route = ROUTE[orderable.route]
  const today = isoDay(ctx.nowMs)
  const dosageInstruction = group.map(({ step, start, end }, i) => ({
    sequence: i + 1,
    text: `${stepText(step, routeWord(option))}${isoDay(start) > today ? ` from ${isoDay(start)}` : ''}${end !== undefined ? ` through ${lastDay(end)}` : ''}`,
    timing: {
      repeat: {
        boundsPeriod: { start: isoDay(start), ...(end !== undefined ? { end: lastDay(end) } : {}) },
        frequency: 1,
        period: step.everyHours === 12 ? 12 : 1,
        periodUnit: step.everyHours === 12 ? 'h' : 'd'
      }
    },
    route: { coding: [{ system: route.system, code: route.code, display: route.display }], text: orderable.route },
    doseAndRate: [{ doseQuantity: { value: step.dose, unit: UCUM_UNIT[step.unit].unit, system: SYSTEM.ucum, code: UCUM_UNIT[step.unit].code } }]
  }))
  const weightBased = group.some(({ step }) => step.perKg !== undefined || step.band !== undefined)
  // An LMWH dose larger than any stocked syringe holds is given as two injections.
  const lmwh = option.agent === 'dalteparin' || option.agent === 'enoxaparin' || option.agent === 'tinzaparin' ? option.agent : undefined
  const needsTwo = lmwh !== undefined && group.some(({ step }) => syringeFor(lmwh, step.dose, ctx.formulary?.syringes[lmwh] ?? MARKETED_SYRINGES[lmwh]) === undefined)
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
      text: `Suggested by CAT-CDS: ${option.basis}${ctx.weightText !== undefined && weightBased ? `, from ${ctx.weightText}` : ''}. ` +
        (option.discontinue !== undefined ? `Replaces ${option.discontinue}: discontinue it. ` : '') +
        (needsTwo ? 'No single syringe holds this dose: give it as two injections. ' : '') +
        'Pharmacist review.'
    }]
  }
}

/**
 * The orders of one option, in the order they are given: the lead-in first, then the option. An oral
 * regimen is one order with its steps in sequence (coded to the tablet when every step uses it, else to
 * the ingredient), so an EHR that applies only a suggestion's first action still gets the whole regimen.
 * An LMWH regimen is one order per run of steps given from the same syringe (dalteparin 15 000 IU then
 * 12 500 IU are two syringes, two orders), each coded to its syringe.
 */
export function medicationRequestsFor (option: OrderOption, ctx: OrderContext): ActionResource[] {
  const out: ActionResource[] = option.leadIn !== undefined ? medicationRequestsFor(option.leadIn, ctx) : []
  const stocked = ctx.formulary?.syringes[option.agent as keyof Formulary['syringes']]
  const all = spans(option, ctx.nowMs)
  if (routeOf(option.agent) === 'oral') {
    const codes = new Set(all.map((sp) => orderableFor(option.agent, sp.step.dose).productCode))
    const orderable = orderableFor(option.agent, codes.size === 1 ? all[0]?.step.dose : undefined)
    return [...out, oneOrder(option, all, orderable, ctx)]
  }
  const groups: Array<{ orderable: Orderable, spans: Array<{ step: OptionStep, start: number, end?: number }> }> = []
  for (const span of all) {
    const orderable = orderableFor(option.agent, span.step.dose, stocked)
    const last = groups.at(-1)
    if (last !== undefined && last.orderable.codings[0]?.code === orderable.codings[0]?.code) last.spans.push(span)
    else groups.push({ orderable, spans: [span] })
  }
  return [...out, ...groups.map((g) => oneOrder(option, g.spans, g.orderable, ctx))]
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
