// Every FHIRPath expression the snapshot uses, compiled once when this module loads (so a syntax
// error stops the boot), always with the R4 model (choice types such as `value[x]` need it), never
// async (async evaluation would fetch URLs found in the data), never `resolve()`. The compiled
// functions are applied to single resources or elements the resource index hands over, never to a
// Bundle: FHIRPath costs 2–10 µs per resource per expression, a plain-JS index far less. Each result is
// remembered per element (a WeakMap, so it goes with the request's data): the facts that read the same
// dosage or period twice pay for one evaluation (docs/performance.md#fhirpath-once-per-element).
import fhirpath, { type Path } from 'fhirpath'
import r4 from 'fhirpath/fhir-context/r4'

/** Results are shared between the readers of one element, hence read-only. */
export type Evaluator = (node: unknown) => readonly unknown[]

const NOTHING: readonly unknown[] = Object.freeze([])

function compile (expression: string | Path): Evaluator {
  const fn = fhirpath.compile(expression, r4)
  const seen = new WeakMap<object, readonly unknown[]>()
  return (node) => {
    if (typeof node !== 'object' || node === null) return NOTHING // a hostile primitive where an element belongs
    // Never over a whole Bundle (the index hands over single resources; test/engine.test.ts spies on
    // it). A "Bundle" reaching here is a hostile nested element: absent, like any other bad shape.
    if ((node as { resourceType?: unknown }).resourceType === 'Bundle') return NOTHING
    const known = seen.get(node)
    if (known !== undefined) return known
    let result: readonly unknown[]
    try {
      result = Object.freeze(fn(node as Record<string, unknown>) as unknown[])
    } catch {
      // Hostile shapes: FHIRPath treats the element as absent; the snapshot reports it as missing.
      result = NOTHING
    }
    seen.set(node, result)
    return result
  }
}

const dosage = (expression: string): Evaluator => compile({ base: 'MedicationRequest.dosageInstruction', expression })

export const FP = {
  patient: {
    birthDate: compile('Patient.birthDate'),
    gender: compile('Patient.gender')
  },
  observation: {
    status: compile('Observation.status'),
    quantity: compile('Observation.value.ofType(Quantity)'),
    codedValue: compile('Observation.value.ofType(CodeableConcept)'),
    referenceRange: compile('Observation.referenceRange')
  },
  condition: {
    clinicalStatus: compile('Condition.clinicalStatus.coding.code'),
    verificationStatus: compile('Condition.verificationStatus.coding.code'),
    onset: compile('Condition.onset.ofType(dateTime) | Condition.onset.ofType(Period).start'),
    onsetAge: compile('Condition.onset.ofType(Age)'),
    recordedDate: compile('Condition.recordedDate'),
    abatementDate: compile('Condition.abatement.ofType(dateTime) | Condition.abatement.ofType(Period).end | Condition.abatement.ofType(Period).start'),
    abated: compile('Condition.abatement.exists()')
  },
  medicationRequest: {
    status: compile('MedicationRequest.status'),
    authoredOn: compile('MedicationRequest.authoredOn'),
    dosages: compile('MedicationRequest.dosageInstruction'),
    validityPeriod: compile('MedicationRequest.dispenseRequest.validityPeriod'),
    expectedSupplyDuration: compile('MedicationRequest.dispenseRequest.expectedSupplyDuration'),
    repeatsAllowed: compile('MedicationRequest.dispenseRequest.numberOfRepeatsAllowed'),
    priorPrescription: compile('MedicationRequest.priorPrescription.exists()')
  },
  dosage: {
    doseQuantity: dosage('doseAndRate.dose.ofType(Quantity)'),
    repeat: dosage('timing.repeat'),
    timingCode: dosage('timing.code.coding.code'),
    boundsPeriod: dosage('timing.repeat.bounds.ofType(Period)'),
    boundsDuration: dosage('timing.repeat.bounds.ofType(Duration)')
  },
  medication: {
    code: compile('Medication.code')
  },
  procedure: {
    code: compile('Procedure.code'),
    status: compile('Procedure.status'),
    performed: compile('Procedure.performed.ofType(dateTime) | Procedure.performed.ofType(Period).end | Procedure.performed.ofType(Period).start')
  },
  serviceRequest: {
    code: compile('ServiceRequest.code')
  }
} as const
