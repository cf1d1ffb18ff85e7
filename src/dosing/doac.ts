// The DOAC treatment regimens of the labels for VTE (docs/clinical/dosing.md), as data and pure
// arithmetic: which dose is due on which day of treatment, and the edoxaban reduction criteria.
import { DAY_MS } from '../fhir/dates.js'

export type Doac = 'apixaban' | 'rivaroxaban' | 'edoxaban' | 'dabigatran'

export interface DoacDose {
  /** mg per administration. */
  readonly dose: number
  readonly everyHours: 12 | 24
}

export const perDay = (d: DoacDose): number => d.dose * (d.everyHours === 12 ? 2 : 1)

export interface DoacRegimen {
  /** An oral loading phase from day 1 of treatment (apixaban, rivaroxaban). */
  readonly loading?: DoacDose & { readonly days: number }
  /** Days of parenteral anticoagulation the label requires before the first dose (edoxaban, dabigatran). */
  readonly leadInDays?: number
  readonly maintenance: DoacDose
  /** The lower dose the label allows after at least 6 months (apixaban 2.5 mg bid, rivaroxaban 10 mg daily). */
  readonly extended?: DoacDose
}

/**
 * US labels for DVT/PE treatment: Xarelto 15 mg bid days 1–21 then 20 mg daily (10 mg daily after
 * ≥ 6 months); Eliquis 10 mg bid days 1–7 then 5 mg bid (2.5 mg bid after ≥ 6 months); Savaysa 60 mg
 * daily after 5–10 days of parenteral anticoagulation; Pradaxa 150 mg bid after 5–10 days of
 * parenteral anticoagulation.
 */
export const DOAC_REGIMEN: Readonly<Record<Doac, DoacRegimen>> = {
  rivaroxaban: { loading: { dose: 15, everyHours: 12, days: 21 }, maintenance: { dose: 20, everyHours: 24 }, extended: { dose: 10, everyHours: 24 } },
  apixaban: { loading: { dose: 10, everyHours: 12, days: 7 }, maintenance: { dose: 5, everyHours: 12 }, extended: { dose: 2.5, everyHours: 12 } },
  edoxaban: { leadInDays: 5, maintenance: { dose: 60, everyHours: 24 } },
  dabigatran: { leadInDays: 5, maintenance: { dose: 150, everyHours: 12 } }
}

/** Edoxaban 30 mg once daily for CrCl 15–50 mL/min, weight ≤ 60 kg, or certain P-gp inhibitors (Savaysa label). */
export const EDOXABAN_REDUCED: DoacDose = { dose: 30, everyHours: 24 }
export const EDOXABAN_REDUCE_CRCL_MAX = 50
export const EDOXABAN_REDUCE_WEIGHT_MAX_KG = 60

/** Start of day 1 of treatment: the UTC day of the VTE onset. */
export function dayOne (onsetMs: number): number {
  return Math.floor(onsetMs / DAY_MS) * DAY_MS
}

/** When the loading phase ends (the first day of the maintenance dose), for a treatment that began with `onsetMs`. */
export function loadingEndsMs (agent: Doac, onsetMs: number): number | undefined {
  const loading = DOAC_REGIMEN[agent].loading
  return loading === undefined ? undefined : dayOne(onsetMs) + loading.days * DAY_MS
}

/** Halved for apixaban with a combined strong CYP3A4 and P-gp inhibitor (10 → 5, 5 → 2.5 mg; Eliquis label). */
export function halved (d: DoacDose): DoacDose {
  return { ...d, dose: d.dose / 2 }
}
