// Code system URIs (FHIR R4 canonical forms) and the shape every value set in src/terminology uses:
// data, each list naming its source, with UNVERIFIED entries marked as docs/clinical/codes.md#verification-sources says.

export const SYSTEM = {
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  atc: 'http://www.whocc.no/atc',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org'
} as const

/** Why a code or a classification is not verified; shown in docs/rules.md and docs/clinical.md. */
export type Unverified = string | undefined

export interface ListedCode {
  readonly system: string
  readonly code: string
  readonly display: string
  readonly unverified?: Unverified
}

/** Every listed code a rule depends on, for the catalogue's UNVERIFIED list. */
export interface CodeListing {
  readonly title: string
  readonly source: string
  readonly codes: readonly ListedCode[]
}
