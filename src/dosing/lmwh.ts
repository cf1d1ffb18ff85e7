// Pure LMWH dose calculators (docs/clinical/dosing.md). Every dose is one a ward can give: dalteparin
// from its label's weight-band table (fixed syringes), enoxaparin in the 10 mg steps of its graduated
// syringes, tinzaparin in 1 000 IU steps; reductions and escalations land on the same steps.
import { DAY_MS } from '../fhir/dates.js'
import { toStep, toStepAbove, toStepBelow, type DalteparinTable, type DoseUnit, type Lmwh } from './presentations.js'

export type { DoseUnit, Lmwh } from './presentations.js'

/** Dalteparin: max 18 000 IU/day (US label; CLOT used up to 132 kg) — docs/clinical/dosing.md. */
export const DALTEPARIN_MAX_DAILY_IU = 18_000

/** CAT-09 prophylactic thresholds (daily dose at or below = prophylactic) — docs/clinical/dosing.md. */
export const PROPHYLACTIC_MAX_DAILY: Readonly<Record<Lmwh, number>> = { enoxaparin: 40, dalteparin: 5000, tinzaparin: 4500 }

/** Dalteparin ≈ 200 IU/kg for the first 30 days of treatment, then ≈ 150 IU/kg (CLOT; US label). */
export const DALTEPARIN_MONTH_ONE_DAYS = 30

/** US label: platelets 50–100 × 10⁹/L on dalteparin for cancer VTE → reduce the daily dose by 2 500 IU. */
export const DALTEPARIN_PLATELET_REDUCTION_IU = 2500

export interface DoseStep {
  /** Per administration. */
  readonly dose: number
  readonly unit: DoseUnit
  readonly everyHours: 12 | 24
  /** The weight-based rate the dose stands for, per administration (nominal for a label band). */
  readonly perKg: number
  /** The label weight band the dose was read from ("57–68 kg"), for dalteparin. */
  readonly band?: string
  /** When this step ends (the next step starts then); undefined = continuing. */
  readonly untilMs?: number
  /** The dose was limited by a maximum. */
  readonly capped?: true
}

export interface Regimen {
  readonly agent: Lmwh
  readonly steps: readonly DoseStep[]
  /** How the regimen was derived, in words, for the card. */
  readonly basis: string
}

interface Band {
  /** Upper bound of the band, whole kg (weights are rounded to the nearest kg first). */
  readonly maxKg: number
  readonly dose: number
}

/**
 * Dalteparin for cancer VTE, label weight-band tables (docs/clinical/dosing.md):
 * US Fragmin label — month 1: ≤ 56 kg 10 000, 57–68 12 500, 69–82 15 000, 83–98 18 000, ≥ 99 18 000 IU;
 * months 2–6: 7 500, 10 000, 12 500, 15 000, 18 000 IU. The UK table adds < 46 kg 7 500 IU in month 1
 * (UK prescribing information, VTE treatment bands); its months 2–6 column is UNVERIFIED and taken as
 * the US one.
 */
const DALTEPARIN_BANDS: Readonly<Record<DalteparinTable, { readonly month1: readonly Band[], readonly maintenance: readonly Band[] }>> = {
  US: {
    month1: [{ maxKg: 56, dose: 10_000 }, { maxKg: 68, dose: 12_500 }, { maxKg: 82, dose: 15_000 }, { maxKg: 98, dose: 18_000 }, { maxKg: Infinity, dose: 18_000 }],
    maintenance: [{ maxKg: 56, dose: 7500 }, { maxKg: 68, dose: 10_000 }, { maxKg: 82, dose: 12_500 }, { maxKg: 98, dose: 15_000 }, { maxKg: Infinity, dose: 18_000 }]
  },
  UK: {
    month1: [{ maxKg: 45, dose: 7500 }, { maxKg: 56, dose: 10_000 }, { maxKg: 68, dose: 12_500 }, { maxKg: 82, dose: 15_000 }, { maxKg: Infinity, dose: 18_000 }],
    maintenance: [{ maxKg: 56, dose: 7500 }, { maxKg: 68, dose: 10_000 }, { maxKg: 82, dose: 12_500 }, { maxKg: 98, dose: 15_000 }, { maxKg: Infinity, dose: 18_000 }]
  }
}

export const DALTEPARIN_UK_UNVERIFIED = 'The UK dalteparin table (< 46 kg 7 500 IU in month 1; months 2–6 as the US table) is UNVERIFIED: only the UK VTE-treatment bands were seen, not the solid-tumour table.'

function bandText (bands: readonly Band[], i: number): string {
  const band = bands[i] as Band
  const low = i === 0 ? undefined : (bands[i - 1] as Band).maxKg + 1
  if (low === undefined) return `≤ ${band.maxKg} kg`
  return band.maxKg === Infinity ? `≥ ${low} kg` : `${low}–${band.maxKg} kg`
}

/** The label dose for a weight; weights between whole-kg band edges go to the nearest kg. */
export function dalteparinBandDose (weightKg: number, phase: 'month1' | 'maintenance', table: DalteparinTable = 'US'): { dose: number, band: string } {
  const bands = DALTEPARIN_BANDS[table][phase]
  const kg = Math.round(weightKg)
  const i = bands.findIndex((b) => kg <= b.maxKg)
  return { dose: (bands[i] as Band).dose, band: bandText(bands, i) }
}

/**
 * Enoxaparin treatment: 1 mg/kg every 12 h (seed case a; docs/clinical/dosing.md), or 1 mg/kg once
 * daily when CrCl < 30 mL/min (NCCN, CrCl 20–30) — both to the nearest 10 mg of the graduated syringes.
 */
export function enoxaparinTreatment (weightKg: number, renalAdjusted: boolean): Regimen {
  const dose = toStep('enoxaparin', weightKg)
  return renalAdjusted
    ? { agent: 'enoxaparin', steps: [{ dose, unit: 'mg', everyHours: 24, perKg: 1 }], basis: '1 mg/kg once daily (CrCl < 30 mL/min), to the nearest 10 mg' }
    : { agent: 'enoxaparin', steps: [{ dose, unit: 'mg', everyHours: 12, perKg: 1 }], basis: '1 mg/kg every 12 hours, to the nearest 10 mg' }
}

/** 15000 → "15 000", as doses are written on the cards. */
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')

export interface DalteparinOptions {
  readonly table?: DalteparinTable
  /** Platelets 50–100 × 10⁹/L: the label's 2 500 IU reduction. */
  readonly plateletReduction?: boolean
}

/**
 * Dalteparin treatment by the label weight bands: the month-1 dose until day 30 of treatment, then
 * the months 2–6 dose (one step when both are the same). `treatmentDay0Ms` is the VTE onset (or today
 * when unknown).
 */
export function dalteparinTreatment (weightKg: number, treatmentDay0Ms: number, nowMs: number, options: DalteparinOptions = {}): Regimen {
  const table = options.table ?? 'US'
  const less = options.plateletReduction === true ? DALTEPARIN_PLATELET_REDUCTION_IU : 0
  const monthOneEnds = treatmentDay0Ms + DALTEPARIN_MONTH_ONE_DAYS * DAY_MS
  const m1 = dalteparinBandDose(weightKg, 'month1', table)
  const m2 = dalteparinBandDose(weightKg, 'maintenance', table)
  // Less 2 500 IU, then down to a syringe (18 000 − 2 500 = 15 500 is given as 15 000).
  const reduce = (dose: number): number => less > 0 ? toStepBelow('dalteparin', dose - less) : dose
  const bandText = (band: string, dose: number): string => less === 0 ? band : reduce(dose) === dose - less ? `${band}, less ${grouped(less)} IU` : `${band}, less ${grouped(less)} IU, down to the ${grouped(reduce(dose))} IU syringe`
  const maintenance: DoseStep = { dose: reduce(m2.dose), unit: 'IU', everyHours: 24, perKg: 150, band: bandText(m2.band, m2.dose) }
  const tableName = table === 'UK' ? 'UK SmPC' : 'US label'
  const reduced = less > 0 ? `, less ${grouped(less)} IU for platelets 50–100 × 10⁹/L (label)` : ''
  if (monthOneEnds <= nowMs || reduce(m1.dose) === reduce(m2.dose)) {
    const inMonthOne = monthOneEnds > nowMs
    return {
      agent: 'dalteparin',
      steps: [inMonthOne ? { ...maintenance, perKg: 200 } : maintenance],
      basis: `${tableName} weight band ${m2.band}${inMonthOne ? ' (month 1 and months 2–6 dose)' : ' (months 2–6 and beyond)'}, max 18 000 IU/day${reduced}`
    }
  }
  return {
    agent: 'dalteparin',
    steps: [{ dose: reduce(m1.dose), unit: 'IU', everyHours: 24, perKg: 200, band: bandText(m1.band, m1.dose), untilMs: monthOneEnds }, maintenance],
    basis: `${tableName} weight band ${m1.band}: month-1 dose to day 30 of treatment, then the months 2–6 dose (≈ 200 then 150 IU/kg, max 18 000 IU/day)${reduced}`
  }
}

/** Tinzaparin treatment: 175 IU/kg once daily to the nearest 1 000 IU (not marketed in the US). */
export function tinzaparinTreatment (weightKg: number): Regimen {
  return { agent: 'tinzaparin', steps: [{ dose: toStep('tinzaparin', 175 * weightKg), unit: 'IU', everyHours: 24, perKg: 175 }], basis: '175 IU/kg once daily, to the nearest 1 000 IU' }
}

/**
 * 50 % of the therapeutic dose, for platelets 25–50 × 10⁹/L outside the acute high-risk setting (ISTH
 * SSC 2018; docs/clinical/dosing.md), rounded down to a measurable dose: a reduction for bleeding risk
 * never ends above half.
 */
export function halfDose (regimen: Regimen): Regimen {
  return {
    agent: regimen.agent,
    steps: regimen.steps.map((s) => {
      const { capped: _capped, band: _band, ...rest } = s
      return { ...rest, dose: toStepBelow(regimen.agent, s.dose / 2), perKg: s.perKg / 2 }
    }),
    basis: `50 % of ${regimen.basis}, rounded down to a measurable dose (platelets 25–50 × 10⁹/L)`
  }
}

export interface CurrentDose {
  readonly agent: Lmwh
  readonly dose: number
  readonly unit: DoseUnit
  readonly everyHours: 12 | 24
}

export interface EscalatedDose extends CurrentDose {
  /** Limited by dalteparin's 18 000 IU/day maximum. */
  readonly capped?: true
}

/**
 * Recurrence on LMWH: new dose ≈ current dose × 1.20 or × 1.25 (docs/clinical/dosing.md), at the nearest
 * measurable dose above the current one (dalteparin: the next syringe), dalteparin capped at
 * 18 000 IU/day. Undefined when no higher dose within the maximum exists.
 */
export function escalatedDose (current: CurrentDose, factor: 1.2 | 1.25): EscalatedDose | undefined {
  const perDay = current.everyHours === 12 ? 2 : 1
  const target = current.dose * factor
  let dose = toStep(current.agent, target)
  if (dose <= current.dose) dose = toStepAbove(current.agent, current.dose * 1.001)
  if (current.agent !== 'dalteparin' || Math.max(dose, target) * perDay <= DALTEPARIN_MAX_DAILY_IU) return { ...current, dose }
  const capped = toStepBelow('dalteparin', DALTEPARIN_MAX_DAILY_IU / perDay)
  return capped > current.dose ? { ...current, dose: capped, capped: true } : undefined
}

/** The highest standard treatment dose per kg per day (docs/clinical/dosing.md#parenteral-treatment-doses), the reference for "50 %". */
const FULL_DAILY_PER_KG: Readonly<Record<Lmwh, number>> = { enoxaparin: 2, dalteparin: 200, tinzaparin: 175 }
/** 50 % of the reference, plus 10 % for rounding to a syringe. */
const HALF_DOSE_TOLERANCE = 0.55

/**
 * Whether an LMWH daily dose is at most half the treatment dose for this weight — the reduction the
 * ISTH SSC 2018 algorithm gives for platelets 25–50 × 10⁹/L (docs/clinical/evidence.md#thrombocytopenia, docs/clinical/dosing.md#dose-changes). With CrCl < 30
 * the enoxaparin reference is the renally adjusted 1 mg/kg/day.
 */
export function isReducedDose (agent: Lmwh, dailyDose: number, weightKg: number, renalAdjusted: boolean): boolean {
  // Dalteparin's treatment dose is its label band (month 1, the higher one), not a per-kg figure.
  if (agent === 'dalteparin') return dailyDose <= HALF_DOSE_TOLERANCE * dalteparinBandDose(weightKg, 'month1').dose
  const reference = agent === 'enoxaparin' && renalAdjusted ? 1 : FULL_DAILY_PER_KG[agent]
  return dailyDose <= HALF_DOSE_TOLERANCE * reference * weightKg
}

export type LmwhDoseClass = 'prophylactic' | 'therapeutic' | 'above-maximum'

/**
 * Prophylactic vs therapeutic for an LMWH daily dose: at or below the CAT-09 threshold is
 * prophylactic; dalteparin above 18 000 IU/day is above the maximum; anything else is treated as a
 * treatment dose (an intermediate dose may be an intentional reduction, so it is not flagged).
 */
export function classifyLmwhDailyDose (agent: Lmwh, dailyDose: number): LmwhDoseClass {
  if (dailyDose <= PROPHYLACTIC_MAX_DAILY[agent]) return 'prophylactic'
  if (agent === 'dalteparin' && dailyDose > DALTEPARIN_MAX_DAILY_IU) return 'above-maximum'
  return 'therapeutic'
}
