// Pure LMWH dose calculators. Only doses from knowledge.md §2 (confirm against the current label or
// SmPC before go-live). Syringe sizes are local policy, so doses are rounded only to a sensible
// precision (1 mg; 100 IU) and every card says: round to the available syringe; pharmacist review.
import { DAY_MS } from '../fhir/dates.js'

export type Lmwh = 'enoxaparin' | 'dalteparin' | 'tinzaparin'
export type DoseUnit = 'mg' | 'IU'

/** Dalteparin: max 18 000 IU/day (CLOT used up to 132 kg) — knowledge.md §2.1. */
export const DALTEPARIN_MAX_DAILY_IU = 18_000

/** CAT-09 prophylactic thresholds (daily dose at or below = prophylactic) — knowledge.md §3.2. */
export const PROPHYLACTIC_MAX_DAILY: Readonly<Record<Lmwh, number>> = { enoxaparin: 40, dalteparin: 5000, tinzaparin: 4500 }

/** Dalteparin 200 IU/kg for the first 30 days of treatment, then 150 IU/kg (CLOT/Caravaggio). */
export const DALTEPARIN_MONTH_ONE_DAYS = 30

export interface DoseStep {
  /** Per administration. */
  readonly dose: number
  readonly unit: DoseUnit
  readonly everyHours: 12 | 24
  /** The weight-based rate the dose was computed from, per administration (before any cap). */
  readonly perKg: number
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

export function roundDose (value: number, unit: DoseUnit): number {
  return unit === 'mg' ? Math.round(value) : Math.round(value / 100) * 100
}

function step (perKg: number, weightKg: number, unit: DoseUnit, everyHours: 12 | 24, maxDose?: number): DoseStep {
  const raw = roundDose(perKg * weightKg, unit)
  return maxDose !== undefined && raw > maxDose
    ? { dose: maxDose, unit, everyHours, perKg, capped: true }
    : { dose: raw, unit, everyHours, perKg }
}

/**
 * Enoxaparin treatment: 1 mg/kg every 12 h (seed case a; knowledge.md §2.1), or 1 mg/kg once daily
 * when CrCl < 30 mL/min (knowledge.md §1.8, §2.1; NCCN gives this for CrCl 20–30).
 */
export function enoxaparinTreatment (weightKg: number, renalAdjusted: boolean): Regimen {
  return renalAdjusted
    ? { agent: 'enoxaparin', steps: [step(1, weightKg, 'mg', 24)], basis: '1 mg/kg once daily (CrCl < 30 mL/min)' }
    : { agent: 'enoxaparin', steps: [step(1, weightKg, 'mg', 12)], basis: '1 mg/kg every 12 hours' }
}

/**
 * Dalteparin treatment: 200 IU/kg once daily until day 30 of treatment, then 150 IU/kg once daily,
 * each capped at 18 000 IU/day. `treatmentDay0Ms` is the VTE onset (or today when unknown).
 */
export function dalteparinTreatment (weightKg: number, treatmentDay0Ms: number, nowMs: number): Regimen {
  const monthOneEnds = treatmentDay0Ms + DALTEPARIN_MONTH_ONE_DAYS * DAY_MS
  const maintenance = step(150, weightKg, 'IU', 24, DALTEPARIN_MAX_DAILY_IU)
  if (monthOneEnds <= nowMs) {
    return { agent: 'dalteparin', steps: [maintenance], basis: '150 IU/kg once daily (months 2–6 and beyond; max 18 000 IU/day)' }
  }
  return {
    agent: 'dalteparin',
    steps: [{ ...step(200, weightKg, 'IU', 24, DALTEPARIN_MAX_DAILY_IU), untilMs: monthOneEnds }, maintenance],
    basis: '200 IU/kg once daily to day 30 of treatment, then 150 IU/kg once daily (max 18 000 IU/day)'
  }
}

/** Tinzaparin treatment: 175 IU/kg once daily (knowledge.md §2.1; not marketed in the US). */
export function tinzaparinTreatment (weightKg: number): Regimen {
  return { agent: 'tinzaparin', steps: [step(175, weightKg, 'IU', 24)], basis: '175 IU/kg once daily' }
}

/**
 * 50 % of the therapeutic dose, for platelets 25–50 × 10⁹/L outside the acute high-risk setting
 * (ISTH SSC 2018 thrombocytopenia algorithm, knowledge.md §1.7 and §2.2).
 */
export function halfDose (regimen: Regimen): Regimen {
  return {
    agent: regimen.agent,
    steps: regimen.steps.map((s) => {
      const { capped: _capped, ...rest } = s
      return { ...rest, dose: roundDose(s.dose / 2, s.unit), perKg: s.perKg / 2 }
    }),
    basis: `50 % of ${regimen.basis} (platelets 25–50 × 10⁹/L)`
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
 * Recurrence on LMWH: new dose = current dose × 1.20 or × 1.25 (knowledge.md §2.2, [TJ21-T2]),
 * dalteparin capped at 18 000 IU/day (§2.1). Undefined when the current dose is already at the cap:
 * there is no higher dose to offer.
 */
export function escalatedDose (current: CurrentDose, factor: 1.2 | 1.25): EscalatedDose | undefined {
  const perDay = current.everyHours === 12 ? 2 : 1
  const dose = roundDose(current.dose * factor, current.unit)
  if (current.agent !== 'dalteparin' || dose * perDay <= DALTEPARIN_MAX_DAILY_IU) return { ...current, dose }
  if (current.dose * perDay >= DALTEPARIN_MAX_DAILY_IU) return undefined
  return { ...current, dose: DALTEPARIN_MAX_DAILY_IU / perDay, capped: true }
}

/** The highest standard treatment dose per kg per day (knowledge.md §2.1), the reference for "50 %". */
const FULL_DAILY_PER_KG: Readonly<Record<Lmwh, number>> = { enoxaparin: 2, dalteparin: 200, tinzaparin: 175 }
/** 50 % of the reference, plus 10 % for rounding to a syringe. */
const HALF_DOSE_TOLERANCE = 0.55

/**
 * Whether an LMWH daily dose is at most half the treatment dose for this weight — the reduction the
 * ISTH SSC 2018 algorithm gives for platelets 25–50 × 10⁹/L (knowledge.md §1.7, §2.2). With CrCl < 30
 * the enoxaparin reference is the renally adjusted 1 mg/kg/day.
 */
export function isReducedDose (agent: Lmwh, dailyDose: number, weightKg: number, renalAdjusted: boolean): boolean {
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
