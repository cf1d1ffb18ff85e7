// Codes this service SENDS in suggested orders (docs/clinical/codes.md). Each order names the product
// the ward gives — the prefilled syringe that holds the dose, or the tablet strength — first, as EHRs
// read coding[0], with the ingredient, SNOMED CT substance and ATC codes beside it. Product codes are
// VSAC "Anticoagulants for All Indications" (2.16.840.1.113762.1.4.1248.22) SCDs. Tinzaparin (not
// US-marketed) has no RxNorm product: its orders carry the ingredient RxCUI 69646, confirmed only in
// secondary lists (UNVERIFIED). Route codes are SNOMED CT concepts of the FHIR R4 route-codes value set.
import { MARKETED_SYRINGES, syringeFor, type Lmwh, type Syringe } from '../dosing/presentations.js'
import type { Doac } from '../dosing/doac.js'
import { SYSTEM, type CodeListing, type ListedCode } from './systems.js'

export type OrderableAgent = Lmwh | Doac

interface Product {
  /** IU or mg the syringe holds, or the tablet/capsule strength in mg. */
  readonly dose: number
  readonly coding: ListedCode
  readonly text: string
}

const rx = (code: string, display: string, unverified?: string): ListedCode =>
  ({ system: SYSTEM.rxnorm, code, display, ...(unverified !== undefined ? { unverified } : {}) })
const SECONDARY = 'RxCUI confirmed only in secondary code lists, not in RxNorm itself (UNVERIFIED)'

const PRODUCTS: Readonly<Record<OrderableAgent, readonly Product[]>> = {
  dalteparin: [
    { dose: 2500, coding: rx('978725', '0.2 ML dalteparin sodium 12500 UNT/ML Prefilled Syringe'), text: 'dalteparin 2 500 IU/0.2 mL prefilled syringe' },
    { dose: 5000, coding: rx('978733', '0.2 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), text: 'dalteparin 5 000 IU/0.2 mL prefilled syringe' },
    { dose: 7500, coding: rx('978736', '0.3 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), text: 'dalteparin 7 500 IU/0.3 mL prefilled syringe' },
    { dose: 10_000, coding: rx('978755', '1 ML dalteparin sodium 10000 UNT/ML Prefilled Syringe'), text: 'dalteparin 10 000 IU/1 mL prefilled syringe' },
    { dose: 12_500, coding: rx('978740', '0.5 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), text: 'dalteparin 12 500 IU/0.5 mL prefilled syringe' },
    { dose: 15_000, coding: rx('978744', '0.6 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), text: 'dalteparin 15 000 IU/0.6 mL prefilled syringe' },
    { dose: 18_000, coding: rx('978746', '0.72 ML dalteparin sodium 25000 UNT/ML Prefilled Syringe'), text: 'dalteparin 18 000 IU/0.72 mL prefilled syringe' }
  ],
  enoxaparin: [
    { dose: 30, coding: rx('854228', '0.3 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), text: 'enoxaparin 30 mg/0.3 mL prefilled syringe' },
    { dose: 40, coding: rx('854235', '0.4 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), text: 'enoxaparin 40 mg/0.4 mL prefilled syringe' },
    { dose: 60, coding: rx('854238', '0.6 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), text: 'enoxaparin 60 mg/0.6 mL graduated prefilled syringe' },
    { dose: 80, coding: rx('854241', '0.8 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), text: 'enoxaparin 80 mg/0.8 mL graduated prefilled syringe' },
    { dose: 100, coding: rx('854248', '1 ML enoxaparin sodium 100 MG/ML Prefilled Syringe'), text: 'enoxaparin 100 mg/1 mL graduated prefilled syringe' },
    { dose: 120, coding: rx('854245', '0.8 ML enoxaparin sodium 150 MG/ML Prefilled Syringe'), text: 'enoxaparin 120 mg/0.8 mL graduated prefilled syringe' },
    { dose: 150, coding: rx('854252', '1 ML enoxaparin sodium 150 MG/ML Prefilled Syringe'), text: 'enoxaparin 150 mg/1 mL graduated prefilled syringe' }
  ],
  tinzaparin: [],
  apixaban: [
    { dose: 2.5, coding: rx('1364435', 'apixaban 2.5 MG Oral Tablet'), text: 'apixaban 2.5 mg oral tablet' },
    { dose: 5, coding: rx('1364445', 'apixaban 5 MG Oral Tablet'), text: 'apixaban 5 mg oral tablet' }
  ],
  rivaroxaban: [
    { dose: 10, coding: rx('1114198', 'rivaroxaban 10 MG Oral Tablet'), text: 'rivaroxaban 10 mg oral tablet' },
    { dose: 15, coding: rx('1232082', 'rivaroxaban 15 MG Oral Tablet'), text: 'rivaroxaban 15 mg oral tablet' },
    { dose: 20, coding: rx('1232086', 'rivaroxaban 20 MG Oral Tablet'), text: 'rivaroxaban 20 mg oral tablet' }
  ],
  edoxaban: [
    { dose: 30, coding: rx('1599551', 'edoxaban 30 MG Oral Tablet'), text: 'edoxaban 30 mg oral tablet' },
    { dose: 60, coding: rx('1599555', 'edoxaban 60 MG Oral Tablet'), text: 'edoxaban 60 mg oral tablet' }
  ],
  dabigatran: [
    { dose: 110, coding: rx('1723476', 'dabigatran etexilate 110 MG Oral Capsule'), text: 'dabigatran etexilate 110 mg oral capsule' },
    { dose: 150, coding: rx('1037045', 'dabigatran etexilate 150 MG Oral Capsule'), text: 'dabigatran etexilate 150 mg oral capsule' }
  ]
}

/** Ingredient codes sent beside the product: RxNorm ingredient (where one is known), SNOMED CT substance, ATC. */
const INGREDIENT: Readonly<Record<OrderableAgent, readonly ListedCode[]>> = {
  dalteparin: [rx('67109', 'dalteparin', SECONDARY), { system: SYSTEM.snomed, code: '372563008', display: 'Dalteparin' }, { system: SYSTEM.atc, code: 'B01AB04', display: 'dalteparin' }],
  enoxaparin: [rx('67108', 'enoxaparin'), { system: SYSTEM.snomed, code: '372562003', display: 'Enoxaparin' }, { system: SYSTEM.atc, code: 'B01AB05', display: 'enoxaparin' }],
  tinzaparin: [rx('69646', 'tinzaparin', SECONDARY), { system: SYSTEM.snomed, code: '412608008', display: 'Tinzaparin' }, { system: SYSTEM.atc, code: 'B01AB10', display: 'tinzaparin' }],
  apixaban: [rx('1364430', 'apixaban'), { system: SYSTEM.atc, code: 'B01AF02', display: 'apixaban' }],
  rivaroxaban: [rx('1114195', 'rivaroxaban'), { system: SYSTEM.atc, code: 'B01AF01', display: 'rivaroxaban' }],
  edoxaban: [rx('1599538', 'edoxaban', SECONDARY), { system: SYSTEM.atc, code: 'B01AF03', display: 'edoxaban' }],
  dabigatran: [rx('1037042', 'dabigatran etexilate'), { system: SYSTEM.atc, code: 'B01AE07', display: 'dabigatran etexilate' }]
}

const ROUTE_UNVERIFIED = 'SNOMED CT concept of the FHIR R4 route-codes value set, corroborated in public FHIR examples; not in the clinical reference'

export type Route = 'subcutaneous' | 'oral'

export const ROUTE: Readonly<Record<Route, ListedCode>> = {
  subcutaneous: { system: SYSTEM.snomed, code: '34206005', display: 'Subcutaneous route', unverified: ROUTE_UNVERIFIED },
  oral: { system: SYSTEM.snomed, code: '26643006', display: 'Oral route', unverified: ROUTE_UNVERIFIED }
}

export function routeOf (agent: OrderableAgent): Route {
  return agent === 'enoxaparin' || agent === 'dalteparin' || agent === 'tinzaparin' ? 'subcutaneous' : 'oral'
}

export interface Orderable {
  /** Coding[] in the order EHRs read them (the CDS Hooks sandbox uses the first). */
  readonly codings: readonly ListedCode[]
  readonly text: string
  readonly route: Route
  /** The product a dose is given from, when there is one (its code is codings[0]). */
  readonly productCode?: string
}

const isLmwh = (a: OrderableAgent): a is Lmwh => a === 'enoxaparin' || a === 'dalteparin' || a === 'tinzaparin'

/**
 * The product a dose is given from: for an LMWH the stocked syringe that holds it (`stocked`), for an
 * oral agent the largest strength that makes the dose in whole tablets.
 */
function productFor (agent: OrderableAgent, dose: number, stocked: readonly Syringe[] | undefined): Product | undefined {
  const products = PRODUCTS[agent]
  if (isLmwh(agent)) {
    const syringe = syringeFor(agent, dose, stocked ?? MARKETED_SYRINGES[agent])
    return syringe === undefined ? undefined : products.find((p) => p.dose === syringe.dose)
  }
  return [...products].reverse().find((p) => Math.abs(dose / p.dose - Math.round(dose / p.dose)) < 1e-9)
}

const GENERIC_TEXT: Readonly<Record<OrderableAgent, string>> = {
  dalteparin: 'dalteparin sodium injection (subcutaneous)',
  enoxaparin: 'enoxaparin sodium injection (subcutaneous)',
  tinzaparin: 'tinzaparin sodium 20 000 IU/mL prefilled syringe (subcutaneous)',
  apixaban: 'apixaban oral tablet',
  rivaroxaban: 'rivaroxaban oral tablet',
  edoxaban: 'edoxaban oral tablet',
  dabigatran: 'dabigatran etexilate oral capsule'
}

/** What an order of `dose` of `agent` is coded as: its product first when one exists, then the ingredient codes. */
export function orderableFor (agent: OrderableAgent, dose: number | undefined, stocked?: readonly Syringe[]): Orderable {
  // Without one dose (steps given from different products), the order names the ingredient only.
  const product = dose === undefined ? undefined : productFor(agent, dose, stocked)
  return {
    codings: [...(product !== undefined ? [product.coding] : []), ...INGREDIENT[agent]],
    text: product?.text ?? GENERIC_TEXT[agent],
    route: routeOf(agent),
    ...(product !== undefined ? { productCode: product.coding.code } : {})
  }
}

export const ORDERABLE_LISTINGS: readonly CodeListing[] = [{
  title: 'Codes sent in suggested orders',
  source: 'VSAC 2.16.840.1.113762.1.4.1248.22 SCDs (products); RxNorm ingredients [USCORE] or secondary lists (marked); ATC; SNOMED CT substances; FHIR R4 route-codes (routes); UCUM (units)',
  codes: [
    ...Object.values(PRODUCTS).flatMap((ps) => ps.map((p) => p.coding)),
    ...Object.values(INGREDIENT).flat(),
    ...Object.values(ROUTE)
  ]
}]
