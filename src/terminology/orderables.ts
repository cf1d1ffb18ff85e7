// Codes this service SENDS in suggested orders, each with RxNorm (decisions.md), SNOMED CT and ATC.
// Dalteparin's ingredient RxCUI is UNVERIFIED, so its orders carry the verified multi-dose-vial product
// (VSAC 978777): any IU dose can be drawn from it and the pharmacist substitutes the syringe per local
// policy. Tinzaparin (not US-marketed) has no verified RxNorm code at all: its orders carry the
// UNVERIFIED ingredient RxCUI 69528, marked here and in the README. Route codes are not in
// knowledge.md; they are SNOMED CT concepts of the FHIR R4 route-codes value set, corroborated in
// public FHIR artefacts, and marked.
import type { Lmwh } from '../dosing/lmwh.js'
import { SYSTEM, type CodeListing, type ListedCode } from './systems.js'

export interface Orderable {
  /** Coding[] in the order EHRs read them (the CDS Hooks sandbox uses the first). */
  readonly codings: readonly ListedCode[]
  readonly text: string
  readonly route: 'subcutaneous' | 'oral'
}

export const ORDERABLE: Readonly<Record<Lmwh | 'edoxaban', Orderable>> = {
  dalteparin: {
    codings: [
      { system: SYSTEM.rxnorm, code: '978777', display: 'dalteparin sodium 25000 UNT/ML Injectable Solution' },
      { system: SYSTEM.snomed, code: '372563008', display: 'Dalteparin' },
      { system: SYSTEM.atc, code: 'B01AB04', display: 'dalteparin' }
    ],
    text: 'dalteparin sodium injection (subcutaneous)',
    route: 'subcutaneous'
  },
  enoxaparin: {
    codings: [
      { system: SYSTEM.rxnorm, code: '67108', display: 'enoxaparin' },
      { system: SYSTEM.atc, code: 'B01AB05', display: 'enoxaparin' },
      { system: SYSTEM.snomed, code: '372562003', display: 'Enoxaparin' }
    ],
    text: 'enoxaparin sodium injection (subcutaneous)',
    route: 'subcutaneous'
  },
  tinzaparin: {
    codings: [
      { system: SYSTEM.rxnorm, code: '69528', display: 'tinzaparin', unverified: 'RxCUI marked UNVERIFIED in knowledge.md §4.3' },
      { system: SYSTEM.snomed, code: '412608008', display: 'Tinzaparin' },
      { system: SYSTEM.atc, code: 'B01AB10', display: 'tinzaparin' }
    ],
    text: 'tinzaparin sodium injection (subcutaneous)',
    route: 'subcutaneous'
  },
  edoxaban: {
    codings: [
      { system: SYSTEM.rxnorm, code: '1599551', display: 'edoxaban 30 MG Oral Tablet' },
      { system: SYSTEM.atc, code: 'B01AF03', display: 'edoxaban' }
    ],
    text: 'edoxaban 30 mg oral tablet',
    route: 'oral'
  }
}

const ROUTE_UNVERIFIED = 'not in knowledge.md: SNOMED CT concept of the FHIR R4 route-codes value set, corroborated in public FHIR examples'

export const ROUTE: Readonly<Record<Orderable['route'], ListedCode>> = {
  subcutaneous: { system: SYSTEM.snomed, code: '34206005', display: 'Subcutaneous route', unverified: ROUTE_UNVERIFIED },
  oral: { system: SYSTEM.snomed, code: '26643006', display: 'Oral route', unverified: ROUTE_UNVERIFIED }
}

export const ORDERABLE_LISTINGS: readonly CodeListing[] = [{
  title: 'Codes sent in suggested orders',
  source: 'knowledge.md §4.3 (drug codes), FHIR R4 route-codes (routes), UCUM (units)',
  codes: [
    ...Object.values(ORDERABLE).flatMap((o) => o.codings),
    ...Object.values(ROUTE)
  ]
}]
