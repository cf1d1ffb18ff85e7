// Values a careless or hostile client can send that once reached a 500 or a card: durations past the
// end of the calendar, a "Bundle" nested where an element belongs, numbers too large to be numbers,
// impossible lab values, and URLs the router cannot decode. Each must give a 4xx or a sane answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import { exampleRequest } from '../../src/cli/example.js'
import { CardsResponse } from '../../src/cds/response.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'

type Json = Record<string, any>

let t: TestApp
beforeAll(async () => { t = await buildTestApp() })
afterAll(async () => { await t.app.close() })

/** The README's gastric-cancer order-select, with `mutate` applied. */
function gastric (mutate: (body: Json) => void): Json {
  const body = exampleRequest('order-select-gastric-cancer') as Json
  mutate(body)
  return body
}
const draftOf = (body: Json): Json => body.context.draftOrders.entry[0].resource

async function cardsFor (body: Json): Promise<Json[]> {
  const res = await request(t.app.server).post('/cds-services/cat-order-select').send(body)
  expect(res.status).toBe(200)
  expect(CardsResponse.safeParse(res.body).success).toBe(true)
  return res.body.cards as Json[]
}

function everyDose (cards: Json[]): unknown[] {
  return cards.flatMap((c) => (c.suggestions ?? []) as Json[]).flatMap((s) => (s.actions ?? []) as Json[])
    .filter((a) => a.resource?.resourceType === 'MedicationRequest')
    .flatMap((a) => (a.resource.dosageInstruction as Json[]).map((d) => d.doseAndRate?.[0]?.doseQuantity?.value))
}

describe('hostile values in a hook request', () => {
  it('a duration whose end no calendar holds is ignored, not a 500', async () => {
    for (const bounds of [{ value: 1e300, code: 'd' }, { value: 1e17, code: 'mo' }, { value: '9'.repeat(400), code: 'd' }]) {
      const cards = await cardsFor(gastric((b) => { draftOf(b).dosageInstruction[0].timing = { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsDuration: bounds } } }))
      expect(cards.map((c) => c.source.topic.code)).toContain('CAT-02')
    }
    await cardsFor(gastric((b) => { draftOf(b).dispenseRequest = { expectedSupplyDuration: { value: 1e300, code: 'd' } } }))
  })

  it('a "Bundle" nested as a dosage or as a contained Medication is treated as absent', async () => {
    await cardsFor(gastric((b) => { draftOf(b).dosageInstruction = [{ resourceType: 'Bundle' }] }))
    const cards = await cardsFor(gastric((b) => {
      const draft = draftOf(b)
      delete draft.medicationCodeableConcept
      draft.medicationReference = { reference: '#m' }
      draft.contained = [{ resourceType: 'Bundle', id: 'm' }]
    }))
    expect(cards).toEqual([]) // the drug cannot be identified, so no rule is about it
  })

  it('a lab value too large to be a number, or impossible, is unusable: no dose is computed from it', async () => {
    const setAll = (value: unknown) => gastric((b) => {
      for (const e of b.prefetch.observations.entry as Json[]) if (e.resource.valueQuantity !== undefined) e.resource.valueQuantity.value = value
    })
    for (const value of ['9'.repeat(400), -5, 0]) {
      const cards = await cardsFor(setAll(value))
      expect(everyDose(cards)).toEqual([])
      expect(JSON.stringify(cards)).not.toMatch(/Infinity|−5 kg|Weight 0 kg/)
      expect(cards.map((c) => c.source.topic.code)).toContain('CAT-15')
    }
    const huge = await cardsFor(setAll(1e308))
    expect(everyDose(huge)).toEqual([])
  })

  it('a birth date that makes Cockcroft–Gault meaningless gives no CrCl, not a negative one', async () => {
    const cards = await cardsFor(gastric((b) => { b.prefetch.patient.birthDate = '0001-01-01' }))
    expect(JSON.stringify(cards)).not.toMatch(/CrCl −/)
    expect(cards.find((c) => c.source.topic.code === 'CAT-15')?.detail).toMatch(/Cockcroft–Gault cannot use/)
  })
})

describe('URLs the router cannot decode', () => {
  it('bad percent-encoding: the contract body and headers, never the raw path', async () => {
    const res = await request(t.app.server).post('/cds-services/%zzMARK/feedback').set('content-type', 'application/json').send('{}')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error: 'invalid_url', message: 'The URL path is not valid percent-encoding' })
    expect(res.text).not.toContain('MARK')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    const lines = t.logs.records.filter((r) => r.msg === 'request' && r.errorCode === 'invalid_url')
    expect(lines).toHaveLength(1)
    const line = lines[0]
    expect(line).toMatchObject({ status: 400 })
    expect(JSON.stringify(line)).not.toContain('MARK')
  })

  it('a path segment over 128 characters: 414 with the contract body', async () => {
    const res = await request(t.app.server).post(`/cds-services/${'a'.repeat(200)}`).send({})
    expect(res.status).toBe(414)
    expect(res.body.error).toBe('uri_too_long')
    expect(res.text).not.toContain('a'.repeat(129))
  })
})
