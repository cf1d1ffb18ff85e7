// The acceptance tests' own view of the drugs, written from the clinical documents and never from the
// engine: which codes name which drug (docs/clinical/codes.md), how drafts are written the way EHRs
// write them, and which doses are right for a patient (docs/clinical/dosing.md): dalteparin from the US
// label's weight-band table, enoxaparin and tinzaparin within half a syringe step of the weight-based
// dose, on the steps a ward can measure (10 mg; 1 000 IU).

type Json = Record<string, unknown>

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'
const ATC = 'http://www.whocc.no/atc'
const SNOMED = 'http://snomed.info/sct'
export const LOINC = 'http://loinc.org'

export type Drug =
  | 'apixaban' | 'rivaroxaban' | 'edoxaban' | 'dabigatran' | 'warfarin'
  | 'dalteparin' | 'enoxaparin' | 'tinzaparin' | 'fondaparinux' | 'heparin'
  | 'ketoconazole' | 'rifampin' | 'clarithromycin' | 'alteplase' | 'aspirin' | 'clopidogrel'

export type DrugClass = 'DOAC' | 'VKA' | 'LMWH' | 'fondaparinux' | 'UFH' | 'other'

export const CLASS_OF: Record<Drug, DrugClass> = {
  apixaban: 'DOAC',
  rivaroxaban: 'DOAC',
  edoxaban: 'DOAC',
  dabigatran: 'DOAC',
  warfarin: 'VKA',
  dalteparin: 'LMWH',
  enoxaparin: 'LMWH',
  tinzaparin: 'LMWH',
  fondaparinux: 'fondaparinux',
  heparin: 'UFH',
  ketoconazole: 'other',
  rifampin: 'other',
  clarithromycin: 'other',
  alteplase: 'other',
  aspirin: 'other',
  clopidogrel: 'other'
}

// docs/clinical/codes.md. RxNorm ingredient codes confirmed only in secondary lists (dalteparin 67109,
// tinzaparin 69646, edoxaban 1599538, fondaparinux 321208) are accepted as names of the drug but never required.
// SCD strengths of the verified VSAC product lists are named in comments.
const CODE_TABLE: ReadonlyArray<readonly [string, string, Drug]> = [
  [RXNORM, '1364430', 'apixaban'],
  [RXNORM, '1364435', 'apixaban'], // 2.5 mg
  [RXNORM, '1364445', 'apixaban'], // 5 mg
  [RXNORM, '1992427', 'apixaban'], // starter pack
  [ATC, 'B01AF02', 'apixaban'],
  [RXNORM, '1114195', 'rivaroxaban'],
  [RXNORM, '1114198', 'rivaroxaban'], // 10 mg
  [RXNORM, '2059015', 'rivaroxaban'], // 2.5 mg (secondary lists only)
  [RXNORM, '1232082', 'rivaroxaban'], // 15 mg
  [RXNORM, '1232086', 'rivaroxaban'], // 20 mg
  [RXNORM, '1549682', 'rivaroxaban'], // starter pack
  [ATC, 'B01AF01', 'rivaroxaban'],
  [RXNORM, '1599538', 'edoxaban'], // UNVERIFIED ingredient
  [RXNORM, '1599543', 'edoxaban'], // 15 mg
  [RXNORM, '1599551', 'edoxaban'], // 30 mg
  [RXNORM, '1599555', 'edoxaban'], // 60 mg
  [ATC, 'B01AF03', 'edoxaban'],
  [RXNORM, '1037042', 'dabigatran'],
  [RXNORM, '1546356', 'dabigatran'], // UNVERIFIED
  [RXNORM, '1037179', 'dabigatran'], // 75 mg
  [RXNORM, '1723476', 'dabigatran'], // 110 mg
  [RXNORM, '1037045', 'dabigatran'], // 150 mg
  [ATC, 'B01AE07', 'dabigatran'],
  [RXNORM, '11289', 'warfarin'],
  ...['855288', '855296', '855302', '855312', '855318', '855324', '855332', '855338', '855344']
    .map((c) => [RXNORM, c, 'warfarin'] as const),
  [ATC, 'B01AA03', 'warfarin'],
  [RXNORM, '67109', 'dalteparin'], // ingredient, secondary lists only
  ...['978725', '978733', '978736', '978740', '978744', '978746', '978755', '978759', '978777', '2618839']
    .map((c) => [RXNORM, c, 'dalteparin'] as const),
  [ATC, 'B01AB04', 'dalteparin'],
  [SNOMED, '372563008', 'dalteparin'],
  [RXNORM, '67108', 'enoxaparin'],
  ...['854228', '854235', '854238', '854241', '854245', '854248', '854252', '854255']
    .map((c) => [RXNORM, c, 'enoxaparin'] as const),
  [ATC, 'B01AB05', 'enoxaparin'],
  [SNOMED, '372562003', 'enoxaparin'],
  [RXNORM, '69646', 'tinzaparin'], // secondary lists only (69528 is parnaparin)
  [ATC, 'B01AB10', 'tinzaparin'],
  [SNOMED, '412608008', 'tinzaparin'],
  [RXNORM, '321208', 'fondaparinux'], // UNVERIFIED
  ...['861356', '861360', '861363', '861365'].map((c) => [RXNORM, c, 'fondaparinux'] as const),
  [ATC, 'B01AX05', 'fondaparinux'],
  [SNOMED, '708189008', 'fondaparinux'],
  [RXNORM, '5224', 'heparin'],
  [RXNORM, '1361615', 'heparin'],
  [RXNORM, '1659263', 'heparin'],
  [ATC, 'B01AB01', 'heparin'],
  [SNOMED, '372877000', 'heparin'],
  [RXNORM, '6135', 'ketoconazole'],
  [RXNORM, '9384', 'rifampin'],
  [RXNORM, '21212', 'clarithromycin'],
  [RXNORM, '8410', 'alteplase'],
  [RXNORM, '1191', 'aspirin'], // US Core allergy-substance value set
  [RXNORM, '32968', 'clopidogrel'] // US Core allergy-substance value set
]

const DRUG_BY_CODE = new Map(CODE_TABLE.map(([system, code, drug]) => [`${system}|${code}`, drug]))

export interface CodingLike { system?: unknown, code?: unknown }

/** The drug the codings name, or a problem: no known code, or codes naming different drugs. */
export function identifyDrug (codings: readonly CodingLike[]): { drug: Drug } | { problem: string } {
  const named = new Set<Drug>()
  for (const c of codings) {
    const drug = DRUG_BY_CODE.get(`${String(c.system)}|${String(c.code)}`)
    if (drug !== undefined) named.add(drug)
  }
  const [first, ...others] = [...named]
  if (first === undefined) return { problem: `no coding names a known drug (${codings.map((c) => `${String(c.system)}|${String(c.code)}`).join(', ') || 'no codings'})` }
  if (others.length > 0) return { problem: `codings name different drugs: ${[...named].join(', ')}` }
  return { drug: first }
}

export const isRxNorm = (c: CodingLike): boolean => c.system === RXNORM

// ---------------------------------------------------------------------------------------------
// Medications as EHRs code them in draft orders.

export interface MedSpec { coding?: Json[], text: string }

const rx = (code: string, display: string): Json => ({ system: RXNORM, code, display })
const atc = (code: string, display: string): Json => ({ system: ATC, code, display })
const sct = (code: string, display: string): Json => ({ system: SNOMED, code, display })

export const MED = {
  /** Product (SCD) code. */
  apixaban5: { coding: [rx('1364445', 'apixaban 5 MG Oral Tablet')], text: 'apixaban 5 mg tablet' },
  apixaban2_5: { coding: [rx('1364435', 'apixaban 2.5 MG Oral Tablet')], text: 'apixaban 2.5 mg tablet' },
  /** ATC only, with a brand-name text so that a name fallback cannot stand in for the code. */
  apixabanAtcOnly: { coding: [atc('B01AF02', 'apixaban')], text: 'ELIQUIS 5 MG PO TABS' },
  /** No code at all: docs/clinical/decisions.md#anticoagulant-classes lets the ingredient name in the text identify the drug. */
  apixabanTextOnly: { text: 'apixaban 5 mg oral tablet' },
  rivaroxaban10: { coding: [rx('1114198', 'rivaroxaban 10 MG Oral Tablet')], text: 'rivaroxaban 10 MG Oral Tablet' },
  rivaroxaban15: { coding: [rx('1232082', 'rivaroxaban 15 MG Oral Tablet')], text: 'rivaroxaban 15 mg tablet' },
  rivaroxaban20: { coding: [rx('1232086', 'rivaroxaban 20 MG Oral Tablet')], text: 'rivaroxaban 20 mg tablet' },
  /** Ingredient (IN) code, brand text. */
  rivaroxabanIngredient: { coding: [rx('1114195', 'rivaroxaban')], text: 'XARELTO 15 MG PO TABS' },
  edoxaban60: { coding: [rx('1599555', 'edoxaban 60 MG Oral Tablet')], text: 'edoxaban 60 mg tablet' },
  edoxaban30: { coding: [rx('1599551', 'edoxaban 30 MG Oral Tablet')], text: 'edoxaban 30 mg tablet' },
  /** No code, the ingredient and strength only in the text: both come from the name. */
  savaysaTextOnly: { text: 'edoxaban (SAVAYSA) 60 MG PO TABS' },
  dabigatran150: { coding: [rx('1037045', 'dabigatran etexilate 150 MG Oral Capsule')], text: 'dabigatran 150 mg capsule' },
  warfarinIngredient: { coding: [rx('11289', 'warfarin')], text: 'warfarin 5 mg tablet' },
  warfarin5: { coding: [rx('855332', 'warfarin sodium 5 MG Oral Tablet'), atc('B01AA03', 'warfarin')], text: 'warfarin 5 mg tablet' },
  dalteparin: { coding: [atc('B01AB04', 'dalteparin'), sct('372563008', 'Dalteparin (substance)')], text: 'dalteparin injection' },
  dalteparin15000: { coding: [rx('978744', '0.6 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), atc('B01AB04', 'dalteparin')], text: 'dalteparin 15 000 IU/0.6 mL prefilled syringe' },
  enoxaparin40: { coding: [rx('854235', '0.4 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), atc('B01AB05', 'enoxaparin')], text: 'enoxaparin 40 mg/0.4 mL prefilled syringe' },
  enoxaparin: { coding: [rx('67108', 'enoxaparin')], text: 'enoxaparin injection' },
  tinzaparin: { coding: [atc('B01AB10', 'tinzaparin'), sct('412608008', 'Tinzaparin (substance)')], text: 'tinzaparin 20 000 IU/mL injection' },
  ketoconazole: { coding: [rx('6135', 'ketoconazole')], text: 'ketoconazole 200 mg tablet' },
  clarithromycin: { coding: [rx('21212', 'clarithromycin')], text: 'clarithromycin 500 mg tablet' },
  alteplase: { coding: [rx('8410', 'alteplase')], text: 'alteplase injection' }
} as const satisfies Record<string, MedSpec>

export const DAILY = { frequency: 1, period: 1, periodUnit: 'd' }
export const BID = { frequency: 2, period: 1, periodUnit: 'd' }
export const Q12H = { frequency: 1, period: 12, periodUnit: 'h' }

export const mg = (value: number): Json => ({ value, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' })
/** A count of tablets as the public CDS Hooks sandbox sends it (no unit text, UCUM annotation). */
export const pill = (value: number): Json => ({ value, system: 'http://unitsofmeasure.org', code: '{pill}' })
export const iu = (value: number): Json => ({ value, unit: 'IU', system: 'http://unitsofmeasure.org', code: '[iU]' })

export interface DraftOptions {
  /** The medication as a CodeableConcept, or a reference (`Medication/x`, `#x`) resolved elsewhere. */
  med?: MedSpec | { reference: string, display?: string }
  dose?: Json
  repeat?: Json
  route?: string
  /** Extra timing.repeat fields (boundsDuration, boundsPeriod). */
  bounds?: Json
  dispenseRequest?: Json
  priorPrescription?: string
  contained?: Json[]
  /** Write it as the CDS Hooks sandbox does: `category`, `reasonCode` and `doseAndRate` as single objects. */
  sandboxQuirks?: boolean
  /** Several dosing phases (sequence 1, 2, …), in place of dose/repeat/bounds. */
  phases?: ReadonlyArray<{ dose: Json, repeat: Json, bounds?: Json }>
}

const FIXTURE_ANCHOR_MS = Date.parse('2026-11-01T00:00:00Z')
const anchorDay = (offsetDays: number): string => new Date(FIXTURE_ANCHOR_MS + offsetDays * 86_400_000).toISOString().slice(0, 10)

/**
 * The label's start regimen for a VTE that began `vteAgeDays` before the fixture anchor (day 1 = the
 * onset day): apixaban 10 mg bid to day 7 then 5 mg bid; rivaroxaban 15 mg bid to day 21 then 20 mg
 * daily (Eliquis and Xarelto labels; docs/clinical/dosing.md). Past the loading phase, the maintenance
 * dose alone.
 */
export function labelStart (agent: 'apixaban' | 'rivaroxaban', vteAgeDays: number): Pick<DraftOptions, 'phases'> {
  const [loading, maintenance, days] = agent === 'apixaban' ? [mg(10), mg(5), 7] : [mg(15), mg(20), 21]
  const maintenanceRepeat = agent === 'apixaban' ? BID : DAILY
  // Day 1 is the onset day: the loading dose is given through day `days`, the maintenance dose from the day after.
  if (days - vteAgeDays <= 1) return { phases: [{ dose: maintenance, repeat: maintenanceRepeat }] }
  return {
    phases: [
      { dose: loading, repeat: BID, bounds: { boundsPeriod: { start: anchorDay(0), end: anchorDay(days - vteAgeDays - 1) } } },
      { dose: maintenance, repeat: maintenanceRepeat, bounds: { boundsPeriod: { start: anchorDay(days - vteAgeDays) } } }
    ]
  }
}

/** A draft MedicationRequest dated as if today were the fixture anchor (the scenario runner shifts it). */
export function medicationDraft (id: string, patientId: string, o: DraftOptions = {}): Json {
  const category = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'outpatient' }] }
  const reasonCode = { text: 'venous thromboembolism' }
  const doseAndRate = o.dose === undefined ? undefined : { doseQuantity: o.dose }
  const med = o.med === undefined
    ? {}
    : 'reference' in o.med
      ? { medicationReference: { reference: o.med.reference, ...(o.med.display === undefined ? {} : { display: o.med.display }) } }
      : { medicationCodeableConcept: { ...(o.med.coding === undefined ? {} : { coding: o.med.coding }), text: o.med.text } }
  const dosage = o.dose === undefined
    ? undefined
    : {
        timing: { repeat: { ...(o.repeat ?? DAILY), ...(o.bounds ?? {}) } },
        route: { text: o.route ?? 'subcutaneous' },
        doseAndRate: o.sandboxQuirks === true ? doseAndRate : [doseAndRate]
      }
  const dosages = o.phases !== undefined
    ? o.phases.map((p, i) => ({ sequence: i + 1, timing: { repeat: { ...p.repeat, ...(p.bounds ?? {}) } }, route: { text: o.route ?? 'subcutaneous' }, doseAndRate: o.sandboxQuirks === true ? { doseQuantity: p.dose } : [{ doseQuantity: p.dose }] }))
    : dosage === undefined ? undefined : [dosage]
  return {
    resourceType: 'MedicationRequest',
    id,
    ...(o.contained === undefined ? {} : { contained: o.contained }),
    status: 'draft',
    intent: 'order',
    category: o.sandboxQuirks === true ? category : [category],
    reasonCode: o.sandboxQuirks === true ? reasonCode : [reasonCode],
    ...med,
    subject: { reference: `Patient/${patientId}` },
    authoredOn: '2026-11-01T09:00:00Z',
    ...(dosages === undefined ? {} : { dosageInstruction: dosages }),
    ...(o.dispenseRequest === undefined ? {} : { dispenseRequest: o.dispenseRequest }),
    ...(o.priorPrescription === undefined ? {} : { priorPrescription: { reference: o.priorPrescription } })
  }
}

/** A draft ServiceRequest (a lab or procedure order). */
export function serviceDraft (id: string, patientId: string, code: Json): Json {
  return { resourceType: 'ServiceRequest', id, status: 'draft', intent: 'order', code, subject: { reference: `Patient/${patientId}` }, authoredOn: '2026-11-01T09:00:00Z' }
}

// ---------------------------------------------------------------------------------------------
// Doses

/** What the dose of a suggested order must be, computed from the patient by hand. */
export type DoseRule =
  /** dalteparin: the US label band for month 1 (to day 30 after the VTE) or months 2–6, max 18 000 IU;
   * enoxaparin 1 mg/kg q12h or 1.5 mg/kg daily; tinzaparin 175 IU/kg daily (docs/clinical/dosing.md). */
  | { kind: 'therapeutic', weightKg: number, vteAgeDays: number }
  /** CrCl < 30: enoxaparin 1 mg/kg once daily (docs/clinical/dosing.md#parenteral-treatment-doses, CAT-08); dalteparin anti-Xa-guided (150–200 IU/kg,
   * docs/clinical/dosing.md#parenteral-treatment-doses); UFH (docs/clinical/evidence.md#renal-impairment, dose aPTT-adjusted, not checked). Tinzaparin has no renal rule in the documents. */
  | { kind: 'renal', weightKg: number }
  /** Platelets 25–50 × 10⁹/L outside the acute high-risk phase: 50 % of the therapeutic dose or the
   * prophylactic dose (docs/clinical/evidence.md#thrombocytopenia, docs/clinical/dosing.md#dose-changes, CAT-05). */
  | { kind: 'platelet-reduced', weightKg: number }
  /** Recurrence on LMWH: the same drug at the current dose + 20–25 % (docs/clinical/evidence.md#recurrent-vte-on-anticoagulation, docs/clinical/dosing.md#dose-changes, CAT-10); ±5 %. */
  | { kind: 'escalated', drug: Drug, currentDailyDose: number }
  /** A label regimen written out by hand (DOAC phases, a lead-in): every step is one of these, and every one is offered. */
  | { kind: 'fixed', steps: ReadonlyArray<{ drug: Drug, perDose: number, administrationsPerDay: number }> }

export interface ReadDose {
  perDose: number
  perDay: number
  administrationsPerDay: number
  unitKind: 'mg' | 'IU'
  /** Days from today to the step's boundsPeriod.start (0 when it starts today or has none). */
  startsInDays: number
}

const IU_UNITS = new Set(['iu', '[iu]', 'u', '[u]', 'unit', 'units', '[iu]/d'])
const PERIOD_DAYS: Record<string, number> = { h: 1 / 24, d: 1, wk: 7 }

/** Reads every dosageInstruction step of an R4 MedicationRequest (arrays, as a writer must send them). */
export function readDoses (mr: Json): ReadDose[] | string {
  const dosage = mr.dosageInstruction
  if (!Array.isArray(dosage) || dosage.length === 0) return 'no dosageInstruction array'
  const steps: ReadDose[] = []
  for (const [i, d] of (dosage as Json[]).entries()) {
    const step = readStep(d)
    if (typeof step === 'string') return `dosageInstruction[${i}]: ${step}`
    steps.push(step)
  }
  return steps
}

function readStep (d: Json): ReadDose | string {
  const dr = d.doseAndRate
  if (!Array.isArray(dr) || dr.length === 0) return 'doseAndRate is not a non-empty array'
  const q = (dr[0] as Json).doseQuantity as Json | undefined
  if (q === undefined || typeof q.value !== 'number') return 'no doseAndRate[0].doseQuantity.value'
  const unit = String(q.code ?? q.unit ?? '').toLowerCase()
  const unitKind = unit === 'mg' ? 'mg' : IU_UNITS.has(unit) ? 'IU' : undefined
  if (unitKind === undefined) return `dose unit "${unit}" is neither mg nor IU`
  const repeat = ((d.timing as Json | undefined)?.repeat ?? undefined) as Json | undefined
  if (repeat === undefined) return 'no timing.repeat, so the frequency is unknown'
  const frequency = typeof repeat.frequency === 'number' ? repeat.frequency : 1
  const period = typeof repeat.period === 'number' ? repeat.period : 1
  const days = PERIOD_DAYS[String(repeat.periodUnit ?? 'd')]
  if (days === undefined) return `timing periodUnit "${String(repeat.periodUnit)}" not understood`
  const administrationsPerDay = frequency / (period * days)
  const start = (repeat.boundsPeriod as Json | undefined)?.start
  const startsInDays = typeof start === 'string' ? Math.round((Date.parse(start.slice(0, 10)) - Date.parse(new Date().toISOString().slice(0, 10))) / 86_400_000) : 0
  return { perDose: q.value, perDay: q.value * administrationsPerDay, administrationsPerDay, unitKind, startsInDays }
}

const DALTEPARIN_MAX = 18_000
const within = (v: number, lo: number, hi: number): boolean => v >= lo - 1e-9 && v <= hi + 1e-9
const fmt = (n: number): string => String(Math.round(n * 10) / 10)

/**
 * US Fragmin label, cancer VTE: month 1 — ≤ 56 kg 10 000, 57–68 12 500, 69–82 15 000, ≥ 83 18 000 IU;
 * months 2–6 — ≤ 56 kg 7 500, 57–68 10 000, 69–82 12 500, 83–98 15 000, ≥ 99 18 000 IU.
 */
function dalteparinLabel (kg: number, month1: boolean): number {
  const w = Math.round(kg)
  if (month1) return w <= 56 ? 10_000 : w <= 68 ? 12_500 : w <= 82 ? 15_000 : 18_000
  return w <= 56 ? 7500 : w <= 68 ? 10_000 : w <= 82 ? 12_500 : w <= 98 ? 15_000 : 18_000
}
const DALTEPARIN_SYRINGES = [2500, 5000, 7500, 10_000, 12_500, 15_000, 18_000]
const STEP: Partial<Record<Drug, number>> = { enoxaparin: 10, tinzaparin: 1000 }

function expectUnit (drug: Drug, dose: ReadDose): string | undefined {
  const want = drug === 'enoxaparin' ? 'mg' : 'IU'
  return dose.unitKind === want ? undefined : `${drug} dosed in ${dose.unitKind}, expected ${want}`
}

/** A dose a ward can give: a dalteparin syringe, or a whole number of enoxaparin/tinzaparin steps. */
function measurable (drug: Drug, dose: ReadDose): string | undefined {
  if (drug === 'dalteparin') return DALTEPARIN_SYRINGES.includes(dose.perDose) ? undefined : `dalteparin ${dose.perDose} IU is not a marketed syringe (${DALTEPARIN_SYRINGES.join(', ')})`
  const step = STEP[drug]
  return step === undefined || dose.perDose % step === 0 ? undefined : `${drug} ${dose.perDose} is not a multiple of its ${step} syringe step`
}

function perDayRange (drug: Drug, dose: ReadDose, lo: number, hi: number, cap = Infinity): string | undefined {
  const min = Math.min(lo, cap)
  const max = Math.min(hi, cap)
  return within(dose.perDay, min, max) ? undefined : `${drug} ${fmt(dose.perDay)}/day outside ${fmt(min)}–${fmt(max)}`
}

/** undefined when the dose of `drug` satisfies the rule, else what is wrong. */
export function checkDose (drug: Drug, dose: ReadDose, rule: DoseRule): string | undefined {
  if (rule.kind === 'fixed') {
    return rule.steps.some((s) => s.drug === drug && s.perDose === dose.perDose && s.administrationsPerDay === dose.administrationsPerDay)
      ? undefined
      : `${drug} ${dose.perDose} ${dose.unitKind} × ${dose.administrationsPerDay}/day is not one of the expected steps (${rule.steps.map((s) => `${s.drug} ${s.perDose} × ${s.administrationsPerDay}/day`).join('; ')})`
  }
  if (rule.kind === 'renal' && drug === 'heparin') return undefined
  if (CLASS_OF[drug] !== 'LMWH') return `${drug} is not a low-molecular-weight heparin`
  const unit = expectUnit(drug, dose) ?? measurable(drug, dose)
  if (unit !== undefined) return unit
  const step = STEP[drug] ?? 2500
  if (rule.kind === 'escalated') {
    if (drug !== rule.drug) return `escalation should keep ${rule.drug}, got ${drug}`
    // +20–25 %, on the nearest measurable dose (dalteparin: the next syringe up), within 18 000 IU/day.
    const lo = drug === 'dalteparin' ? rule.currentDailyDose * 1.2 - 2500 : rule.currentDailyDose * 1.2 - step / 2
    const hi = drug === 'dalteparin' ? rule.currentDailyDose * 1.2 + 2500 : rule.currentDailyDose * 1.25 + step / 2
    return within(dose.perDay, Math.max(lo, rule.currentDailyDose + 1), drug === 'dalteparin' ? Math.min(hi, DALTEPARIN_MAX) : hi)
      ? undefined
      : `${drug} ${fmt(dose.perDay)}/day is not the current ${rule.currentDailyDose} + 20–25 % on a measurable dose`
  }
  const w = rule.weightKg
  switch (rule.kind) {
    case 'therapeutic': {
      if (drug === 'dalteparin') {
        if (dose.administrationsPerDay !== 1) return `dalteparin ${dose.administrationsPerDay}×/day, expected once daily`
        // Month 1 runs to day 30 after the VTE; a step starting on the boundary may carry either band.
        const age = rule.vteAgeDays + dose.startsInDays
        const allowed = new Set([...(age <= 30 ? [dalteparinLabel(w, true)] : []), ...(age >= 29 ? [dalteparinLabel(w, false)] : [])])
        return allowed.has(dose.perDay) ? undefined : `dalteparin ${dose.perDay} IU on day ${age} after the VTE is not the label band dose for ${w} kg (${[...allowed].join(' or ')})`
      }
      if (drug === 'tinzaparin') {
        if (dose.administrationsPerDay !== 1) return `tinzaparin ${dose.administrationsPerDay}×/day, expected once daily`
        return perDayRange(drug, dose, 175 * w - 500, 175 * w + 500)
      }
      const perKg = dose.administrationsPerDay === 2 ? 1 : dose.administrationsPerDay === 1 ? 1.5 : undefined
      if (perKg === undefined) return `enoxaparin ${dose.administrationsPerDay}×/day, expected q12h or once daily`
      return within(dose.perDose, perKg * w - 5, perKg * w + 5) ? undefined : `enoxaparin ${fmt(dose.perDose)} mg × ${dose.administrationsPerDay}/day is not ${perKg} mg/kg (${fmt(perKg * w)} mg) to the nearest 10 mg`
    }
    case 'renal': {
      if (drug === 'enoxaparin') {
        if (dose.administrationsPerDay !== 1) return `enoxaparin ${dose.administrationsPerDay}×/day with CrCl < 30, expected 1 mg/kg once daily`
        return perDayRange(drug, dose, w - 5, w + 5)
      }
      return `${drug} has no CrCl < 30 dosing in docs/clinical/dosing.md (anti-Xa-guided)`
    }
    case 'platelet-reduced': {
      // 50 % of the therapeutic dose (rounded down to a measurable dose) or the prophylactic dose.
      const [prophylactic, half] = drug === 'dalteparin' ? [5000, dalteparinLabel(w, true) / 2] : drug === 'enoxaparin' ? [40, w] : [4500, 87.5 * w]
      return perDayRange(drug, dose, Math.min(prophylactic, half) - (drug === 'dalteparin' ? 2500 : step), Math.max(prophylactic, half))
    }
  }
}
