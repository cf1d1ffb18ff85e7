// The patients the labels single out (docs/clinical/codes.md#special-populations-and-sites-issue-14): pregnancy and
// breast-feeding (CAT-23), dialysis and end-stage kidney disease (CAT-24), hepatic impairment (CAT-25),
// and the pregnancy-status answers. ICD-10-CM codes match with or without the dot; a `family` entry
// matches every code below it. Liver metastases (C78.7) are deliberately absent: a secondary tumour in
// the liver is not hepatic impairment.
import type { Code } from '../fhir/normalize.js'
import { normaliseIcd10 } from './conditions.js'
import { SYSTEM, type CodeListing, type ListedCode } from './systems.js'

export type PopulationKind = 'pregnancy' | 'breastfeeding' | 'dialysis' | 'hepatic'

interface IcdEntry {
  readonly kind: PopulationKind
  /** Normalised code; with `family`, every code starting with it. */
  readonly code: string
  readonly written: string
  readonly family?: true
  readonly display: string
  readonly unverified?: string
}

const icd = (kind: PopulationKind, written: string, display: string, extra: { family?: true, unverified?: string } = {}): IcdEntry =>
  ({ kind, code: normaliseIcd10(written), written, display, ...extra })

const ICD_ENTRIES: readonly IcdEntry[] = [
  icd('pregnancy', 'Z33.1', 'Pregnant state, incidental'),
  icd('pregnancy', 'Z3A', 'Weeks of gestation', { family: true }),
  icd('breastfeeding', 'Z39.1', 'Encounter for care and examination of lactating mother'),
  icd('dialysis', 'Z99.2', 'Dependence on renal dialysis'),
  icd('dialysis', 'N18.6', 'End stage renal disease'),
  icd('dialysis', 'Z49', 'Encounter for care involving renal dialysis', { family: true }),
  icd('hepatic', 'K70.3', 'Alcoholic cirrhosis of liver', { family: true }),
  icd('hepatic', 'K72.1', 'Chronic hepatic failure', { family: true }),
  icd('hepatic', 'K72.9', 'Hepatic failure, unspecified', { family: true }),
  icd('hepatic', 'K74.6', 'Other and unspecified cirrhosis of liver', { family: true }),
  icd('hepatic', 'K76.6', 'Portal hypertension')
]

/**
 * ICD-10-CM chapter 15, O00–O9A (pregnancy, childbirth and the puerperium). The chapter also holds
 * abortive outcomes (O00–O08) and the puerperium (O85–O92): the Condition's status and date, and any
 * newer pregnancy-status answer, decide whether the woman is pregnant now.
 */
const OBSTETRIC_CHAPTER: readonly [string, string] = ['O00', 'O9A']

interface SnomedEntry {
  readonly kind: PopulationKind
  readonly code: string
  readonly display: string
  readonly unverified?: string
}

const SNOMED_ENTRIES: readonly SnomedEntry[] = [
  { kind: 'pregnancy', code: '77386006', display: 'Pregnancy' },
  // VSAC Breastfeeding 2.16.840.1.113762.1.4.1047.73. 413712001 "Breastfeeding (mother)" is an observable
  // (a question), not a finding, so it is not read as one.
  { kind: 'breastfeeding', code: '1260078007', display: 'Maternal breastfeeding (finding)' },
  { kind: 'breastfeeding', code: '866041003', display: 'Mother currently breastfeeding (situation)' },
  { kind: 'dialysis', code: '46177005', display: 'End-stage renal disease' },
  { kind: 'hepatic', code: '19943007', display: 'Cirrhosis of liver' }
]
const SNOMED_BY_CODE: ReadonlyMap<string, SnomedEntry> = new Map(SNOMED_ENTRIES.map((e) => [e.code, e]))

export interface PopulationMatch {
  readonly kind: PopulationKind
  readonly coding: Code
}

export function matchPopulation (coding: Code): PopulationMatch | undefined {
  if (coding.system === SYSTEM.icd10cm) {
    const code = normaliseIcd10(coding.code)
    const category = code.slice(0, 3)
    if (/^O[0-9][0-9A]$/.test(category) && category >= OBSTETRIC_CHAPTER[0] && category <= OBSTETRIC_CHAPTER[1]) return { kind: 'pregnancy', coding }
    const entry = ICD_ENTRIES.find((e) => e.family === true ? code.startsWith(e.code) : code === e.code)
    return entry === undefined ? undefined : { kind: entry.kind, coding }
  }
  if (coding.system === SYSTEM.snomed) {
    const entry = SNOMED_BY_CODE.get(coding.code)
    return entry === undefined ? undefined : { kind: entry.kind, coding }
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Dialysis as a procedure (a Procedure resource; prefetch key `procedures`).

export const DIALYSIS_PROCEDURES: readonly ListedCode[] = [
  { system: SYSTEM.snomed, code: '108241001', display: 'Dialysis procedure' },
  { system: SYSTEM.snomed, code: '302497006', display: 'Hemodialysis' },
  { system: SYSTEM.snomed, code: '71192002', display: 'Peritoneal dialysis' }
]
const DIALYSIS_PROCEDURE_CODES = new Set(DIALYSIS_PROCEDURES.map((c) => c.code))

export function isDialysisProcedure (coding: Code): boolean {
  return coding.system === SYSTEM.snomed && DIALYSIS_PROCEDURE_CODES.has(coding.code)
}

// ---------------------------------------------------------------------------------------------
// Pregnancy status (an Observation with a coded answer).

export const PREGNANCY_STATUS_LOINC: readonly ListedCode[] = [
  { system: SYSTEM.loinc, code: '82810-3', display: 'Pregnancy status' },
  { system: SYSTEM.loinc, code: '11449-6', display: 'Pregnancy status' }
]

/** Breast-feeding status (LOINC 63895-7), read like pregnancy status. */
export const BREASTFEEDING_STATUS_LOINC: readonly ListedCode[] = [
  { system: SYSTEM.loinc, code: '63895-7', display: 'Breastfeeding status' }
]

/** Yes, no or unknown: the answer a status Observation gives. */
export type StatusAnswer = 'yes' | 'no' | 'unknown'

const PREGNANCY_ANSWERS: ReadonlyArray<ListedCode & { readonly answer: StatusAnswer }> = [
  { system: SYSTEM.loinc, code: 'LA15173-0', display: 'Pregnant', answer: 'yes' },
  { system: SYSTEM.loinc, code: 'LA26683-5', display: 'Not pregnant', answer: 'no' },
  { system: SYSTEM.loinc, code: 'LA4489-6', display: 'Unknown', answer: 'unknown' },
  { system: SYSTEM.snomed, code: '77386006', display: 'Pregnant', answer: 'yes' },
  { system: SYSTEM.snomed, code: '60001007', display: 'Not pregnant', answer: 'no' },
  { system: SYSTEM.snomed, code: '261665006', display: 'Unknown', answer: 'unknown' }
]

const BREASTFEEDING_ANSWERS: ReadonlyArray<ListedCode & { readonly answer: StatusAnswer }> = [
  { system: SYSTEM.loinc, code: 'LA29252-6', display: 'Currently breastfeeding', answer: 'yes' },
  { system: SYSTEM.loinc, code: 'LA29253-4', display: 'Not currently breastfeeding', answer: 'no' },
  { system: SYSTEM.loinc, code: 'LA4489-6', display: 'Unknown', answer: 'unknown' }
]

/** The answer a coding gives to "is she pregnant?" / "is she breast-feeding?", or undefined for a coding not known here. */
export function statusAnswer (question: 'pregnancy' | 'breastfeeding', coding: Code): StatusAnswer | undefined {
  const answers = question === 'pregnancy' ? PREGNANCY_ANSWERS : BREASTFEEDING_ANSWERS
  return answers.find((a) => a.system === coding.system && a.code === coding.code)?.answer
}

// ---------------------------------------------------------------------------------------------

const KIND_TITLE: Readonly<Record<PopulationKind, string>> = {
  pregnancy: 'Pregnancy (CAT-23)',
  breastfeeding: 'Breast-feeding (CAT-23)',
  dialysis: 'Dialysis and end-stage kidney disease (CAT-24)',
  hepatic: 'Hepatic impairment (CAT-25)'
}

export const POPULATION_LISTINGS: readonly CodeListing[] = [
  ...(Object.keys(KIND_TITLE) as PopulationKind[]).map((kind): CodeListing => ({
    title: KIND_TITLE[kind],
    source: 'docs/clinical/codes.md (special populations; each code checked against a public code list)',
    codes: [
      ...(kind === 'pregnancy' ? [{ system: SYSTEM.icd10cm, code: 'O00–O9A', display: 'Pregnancy, childbirth and the puerperium (ICD-10-CM chapter 15)' }] : []),
      ...ICD_ENTRIES.filter((e) => e.kind === kind).map((e): ListedCode => ({
        system: SYSTEM.icd10cm,
        code: e.family === true ? `${e.written}-` : e.written,
        display: e.display,
        ...(e.unverified !== undefined ? { unverified: e.unverified } : {})
      })),
      ...SNOMED_ENTRIES.filter((e) => e.kind === kind).map((e): ListedCode => ({
        system: SYSTEM.snomed,
        code: e.code,
        display: e.display,
        ...(e.unverified !== undefined ? { unverified: e.unverified } : {})
      })),
      ...(kind === 'dialysis' ? DIALYSIS_PROCEDURES.map((c) => ({ ...c, display: `${c.display} (Procedure)` })) : [])
    ]
  })),
  {
    title: 'Pregnancy and breast-feeding status (CAT-23)',
    source: 'LOINC 82810-3 / 11449-6 / 63895-7 with their answer codes (HL7 IPS and US Core pregnancy status; ISiK breastfeeding status)',
    codes: [
      ...PREGNANCY_STATUS_LOINC.map((c) => c.code === '11449-6' ? { ...c, unverified: 'the long name "Pregnancy status - Reported" was not confirmed; IPS and US Core use 82810-3' } : c),
      ...PREGNANCY_ANSWERS.map(({ answer: _answer, ...c }) => c),
      ...BREASTFEEDING_STATUS_LOINC,
      ...BREASTFEEDING_ANSWERS.filter((a) => a.code !== 'LA4489-6').map(({ answer: _answer, ...c }) => c)
    ]
  }
]
