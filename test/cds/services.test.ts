import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadServiceDefinitions } from '../../src/cds/services.js'
import { LAB_GROUPS } from '../../src/terminology/labs.js'
import { BREASTFEEDING_STATUS_LOINC, DIALYSIS_PROCEDURES, PREGNANCY_STATUS_LOINC } from '../../src/terminology/populations.js'

function dirWith (files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cat-hooks-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
  return dir
}

const valid = {
  id: 'x-order-sign',
  hook: 'order-sign',
  title: 'T',
  description: 'D',
  usageRequirements: 'R4',
  prefetch: { patient: 'Patient/{{context.patientId}}' }
}

describe('service definitions in hooks/', () => {
  const services = loadServiceDefinitions()

  it('defines one service per hook with distinct ids', () => {
    expect(services.map((s) => s.hook).sort()).toEqual(['order-select', 'order-sign', 'patient-view'])
    expect(new Set(services.map((s) => s.id)).size).toBe(3)
  })

  it('prefetches the Patient, Conditions, newest-first lab Observations and MedicationRequests', () => {
    for (const s of services) {
      expect(s.prefetch.patient).toBe('Patient/{{context.patientId}}')
      expect(s.prefetch.conditions).toBe('Condition?patient={{context.patientId}}')
      expect(s.prefetch.medications).toBe('MedicationRequest?patient={{context.patientId}}')
      const obs = s.prefetch.observations ?? ''
      expect(obs).toMatch(/_sort=-date/)
      // creatinine (mass and molar), eGFR, platelets, weight, haemoglobin, D-dimer
      for (const loinc of ['2160-0', '14682-9', '62238-1', '777-3', '29463-7', '718-7', '48065-7']) {
        expect(obs).toContain(`http://loinc.org|${loinc}`)
      }
      // Every LOINC code the facts read: lab groups, height, BMI, Child-Pugh labs, pregnancy and breast-feeding status.
      for (const loinc of [...Object.values(LAB_GROUPS).flatMap((g) => g.codes.map((c) => c.code)), ...PREGNANCY_STATUS_LOINC.map((c) => c.code), ...BREASTFEEDING_STATUS_LOINC.map((c) => c.code)]) {
        expect(obs).toContain(`http://loinc.org|${loinc}`)
      }
      for (const procedure of DIALYSIS_PROCEDURES) expect(s.prefetch.procedures).toContain(`http://snomed.info/sct|${procedure.code}`)
      expect(s.usageRequirements).toMatch(/R4/)
    }
  })

  it('stops the boot on a malformed definition, naming file and field', () => {
    expect(() => loadServiceDefinitions(dirWith({ 'a.json': { ...valid, hook: 'order-dispatch' } }))).toThrow(/a\.json: hook/)
    expect(() => loadServiceDefinitions(dirWith({ 'a.json': '{ not json' }))).toThrow(/a\.json: not valid JSON/)
    expect(() => loadServiceDefinitions(dirWith({ 'a.json': { ...valid, extra: 1 } }))).toThrow(/a\.json/)
    expect(() => loadServiceDefinitions(dirWith({}))).toThrow(/no service definitions/)
  })

  it('refuses prefetch tokens the hook does not define and absolute URLs', () => {
    const badToken = { ...valid, prefetch: { meds: 'MedicationRequest?id={{context.medications}}' } }
    expect(() => loadServiceDefinitions(dirWith({ 'a.json': badToken }))).toThrow(/token \{\{context\.medications\}\}/)
    const absolute = { ...valid, prefetch: { p: 'https://evil.example/Patient/{{context.patientId}}' } }
    expect(() => loadServiceDefinitions(dirWith({ 'a.json': absolute }))).toThrow(/relative FHIR URL/)
  })

  it('refuses two services with the same id', () => {
    const dir = dirWith({ 'a.json': valid, 'b.json': { ...valid, hook: 'order-select' } })
    expect(() => loadServiceDefinitions(dir)).toThrow(/"x-order-sign" is used more than once/)
  })
})
