// The LMWH presentations a ward can give a dose from (docs/clinical/dosing.md#doses-a-ward-can-give),
// and the site formulary that says which of them are stocked. Pure data and arithmetic: the formulary
// file is read and checked at boot (src/app.ts), never here.
import { z } from 'zod'

export type Lmwh = 'enoxaparin' | 'dalteparin' | 'tinzaparin'
export type DoseUnit = 'mg' | 'IU'
export const LMWHS: readonly Lmwh[] = ['dalteparin', 'enoxaparin', 'tinzaparin']

export const UNIT: Readonly<Record<Lmwh, DoseUnit>> = { enoxaparin: 'mg', dalteparin: 'IU', tinzaparin: 'IU' }

export interface Syringe {
  /** The dose the full syringe holds (mg or IU). */
  readonly dose: number
  /** Graduated: any multiple of the agent's step up to `dose` can be measured from it. */
  readonly graduated: boolean
}

/**
 * Marketed prefilled syringes:
 * - dalteparin (Fragmin, US label): fixed 2 500 / 5 000 / 7 500 / 10 000 / 12 500 / 15 000 / 18 000 IU;
 * - enoxaparin (Lovenox, US label): 30 and 40 mg plain, 60–150 mg graduated in 10 mg;
 * - tinzaparin (Innohep 20 000 IU/mL): 0.5 / 0.7 / 0.9 mL, graduated in 0.05 mL = 1 000 IU — UNVERIFIED
 *   (Irish and Swedish product information list 0.4–0.9 mL; the UK sizes and graduation were not seen).
 */
export const MARKETED_SYRINGES: Readonly<Record<Lmwh, readonly Syringe[]>> = {
  dalteparin: [2500, 5000, 7500, 10_000, 12_500, 15_000, 18_000].map((dose) => ({ dose, graduated: false })),
  enoxaparin: [[30, false], [40, false], [60, true], [80, true], [100, true], [120, true], [150, true]].map(([dose, graduated]) => ({ dose: dose as number, graduated: graduated as boolean })),
  tinzaparin: [10_000, 14_000, 18_000].map((dose) => ({ dose, graduated: true }))
}

/** The smallest measurable increment on a graduated syringe. */
export const DOSE_STEP: Readonly<Record<Lmwh, number>> = { dalteparin: 2500, enoxaparin: 10, tinzaparin: 1000 }

export const TINZAPARIN_SYRINGES_UNVERIFIED = 'Tinzaparin syringe sizes (20 000 IU/mL, 0.5/0.7/0.9 mL) and their 1 000 IU graduation are UNVERIFIED: the UK product information was not seen.'

// ---------------------------------------------------------------------------------------------
// Site formulary (CDS_FORMULARY)

export type DalteparinTable = 'US' | 'UK'

export interface Formulary {
  /** Stocked LMWHs, the preferred one first. */
  readonly lmwh: readonly Lmwh[]
  /** Stocked syringes per agent (every marketed one when the file names none). */
  readonly syringes: Readonly<Record<Lmwh, readonly Syringe[]>>
  /** Which dalteparin weight-band table applies (US label, or the UK SmPC with its < 46 kg band). */
  readonly dalteparinTable: DalteparinTable
}

/** Without CDS_FORMULARY: all three LMWHs and every marketed syringe, dalteparin first (CLOT regimen). */
export const DEFAULT_FORMULARY: Formulary = Object.freeze({
  lmwh: LMWHS,
  syringes: MARKETED_SYRINGES,
  dalteparinTable: 'US'
})

const FormularyFile = z.object({
  preferred: z.enum(LMWHS as [Lmwh, ...Lmwh[]]).optional(),
  products: z.array(z.object({
    agent: z.enum(LMWHS as [Lmwh, ...Lmwh[]]),
    syringes: z.array(z.number().positive()).min(1).optional()
  }).strict()).min(1, 'must list at least one LMWH product'),
  dalteparinTable: z.enum(['US', 'UK']).optional()
}).strict()

/**
 * Checks a parsed formulary file and returns the Formulary, or throws an Error whose message lists every
 * problem (the boot stops on it). Syringes must be marketed sizes: the service codes and doses only
 * presentations it knows.
 */
export function parseFormulary (json: unknown): Formulary {
  const parsed = FormularyFile.safeParse(json)
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '))
  const f = parsed.data
  const problems: string[] = []
  const agents = f.products.map((p) => p.agent)
  if (new Set(agents).size !== agents.length) problems.push('products: an agent is listed twice')
  const syringes: Record<Lmwh, readonly Syringe[]> = { dalteparin: [], enoxaparin: [], tinzaparin: [] }
  for (const p of f.products) {
    const marketed = MARKETED_SYRINGES[p.agent]
    const wanted = p.syringes ?? marketed.map((s) => s.dose)
    const unknown = wanted.filter((d) => !marketed.some((s) => s.dose === d))
    if (unknown.length > 0) problems.push(`products.${p.agent}.syringes: ${unknown.join(', ')} ${UNIT[p.agent]} is not a marketed syringe (${marketed.map((s) => s.dose).join(', ')})`)
    syringes[p.agent] = marketed.filter((s) => wanted.includes(s.dose))
  }
  if (f.preferred !== undefined && !agents.includes(f.preferred)) problems.push(`preferred: ${f.preferred} is not among the products`)
  if (problems.length > 0) throw new Error(problems.join('; '))
  const preferred = f.preferred ?? agents[0] as Lmwh
  return Object.freeze({
    lmwh: Object.freeze([preferred, ...LMWHS.filter((a) => a !== preferred && agents.includes(a))]),
    syringes: Object.freeze(syringes),
    dalteparinTable: f.dalteparinTable ?? 'US'
  })
}

// ---------------------------------------------------------------------------------------------
// Measuring a dose

/** The stocked syringe a dose is drawn from: the one that holds exactly it, else the smallest graduated one that holds it. */
export function syringeFor (agent: Lmwh, dose: number, stocked: readonly Syringe[]): Syringe | undefined {
  return stocked.find((s) => s.dose === dose) ??
    (dose % DOSE_STEP[agent] === 0 ? stocked.filter((s) => s.graduated && s.dose >= dose).sort((a, b) => a.dose - b.dose)[0] : undefined)
}

/**
 * Doses that can be given from marketed syringes: any marketed dalteparin syringe (they are not
 * graduated); multiples of the step for the graduated enoxaparin and tinzaparin syringes.
 */
function measurable (agent: Lmwh, value: number, pick: 'nearest' | 'below' | 'above'): number {
  if (agent === 'dalteparin') {
    const doses = MARKETED_SYRINGES.dalteparin.map((s) => s.dose)
    if (pick === 'below') return [...doses].reverse().find((d) => d <= value + 1e-9) ?? doses[0] as number
    if (pick === 'above') return doses.find((d) => d >= value - 1e-9) ?? Infinity
    // Nearest; a tie goes to the larger dose (as a half rounds up).
    return doses.reduce((best, d) => Math.abs(d - value) <= Math.abs(best - value) ? d : best)
  }
  const step = DOSE_STEP[agent]
  const units = pick === 'below' ? Math.floor(value / step + 1e-9) : pick === 'above' ? Math.ceil(value / step - 1e-9) : Math.round(value / step)
  return Math.max(step, units * step)
}

/** The measurable dose nearest `value` (halves round up). */
export const toStep = (agent: Lmwh, value: number): number => measurable(agent, value, 'nearest')
/** The largest measurable dose not above `value` (at least the smallest one): for reductions. */
export const toStepBelow = (agent: Lmwh, value: number): number => measurable(agent, value, 'below')
/** The smallest measurable dose not below `value` (Infinity when none): for escalations. */
export const toStepAbove = (agent: Lmwh, value: number): number => measurable(agent, value, 'above')
