// POST /cds-services/{id}/feedback on both stores: the shapes real clients send, idempotent repeats,
// 200 only once durable, 400 naming the field, 404 for unknown cards only in strict mode, 503 when the
// store cannot take it.
import { randomUUID } from 'node:crypto'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFeedback } from '../../src/routes/feedback.js'
import { OVERRIDE_REASON_CODES } from '../../src/rules/override-reasons.js'
import { Metrics } from '../../src/observability/metrics.js'
import { openStore } from '../../src/store/open.js'
import type { FeedbackRecord } from '../../src/store/records.js'
import type { AuditStore } from '../../src/store/store.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { FIRED_RULE, cardIssuingEngine } from '../helpers/engine.js'
import { sandboxOrderSelect } from '../helpers/requests.js'
import { DIALECTS, newStoreLocation, type StoreLocation } from '../helpers/stores.js'

interface IssuedCard { uuid: string, suggestions: Array<{ uuid: string }> }

async function feedbackFor (store: AuditStore, cardUuid: string): Promise<FeedbackRecord[]> {
  const out: FeedbackRecord[] = []
  for await (const f of store.feedback({ from: new Date(0), to: new Date(Date.now() + 60_000) })) {
    if (f.cardUuid === cardUuid) out.push(f)
  }
  return out
}

async function feedbackCount (metrics: Metrics, labels: { outcome: string, rule: string, reason?: string }): Promise<number> {
  return (await metrics.feedback.get()).values
    .filter((x) => x.labels.outcome === labels.outcome && x.labels.rule === labels.rule && (labels.reason === undefined || x.labels.reason === labels.reason))
    .reduce((sum, x) => sum + x.value, 0)
}

describe.each(DIALECTS)('feedback: %s', (dialect) => {
  let location: StoreLocation
  let store: AuditStore
  let metrics: Metrics
  let t: TestApp

  beforeAll(async () => {
    location = await newStoreLocation(dialect)
    metrics = new Metrics({ defaultMetrics: false })
    store = await openStore(location.url, { metrics })
    t = await buildTestApp({}, { store, metrics, engine: cardIssuingEngine() })
  })
  afterAll(async () => {
    await t.app.close()
    await store.close()
    await location.remove()
  })

  const issueCard = async (): Promise<IssuedCard> => {
    const res = await request(t.app.server).post('/cds-services/cat-order-select').send(sandboxOrderSelect()).expect(200)
    return res.body.cards[0] as IssuedCard
  }
  const send = (body: unknown, serviceId = 'cat-order-select') =>
    request(t.app.server).post(`/cds-services/${serviceId}/feedback`).send(body as object)

  it('stores an accepted suggestion and counts it under the card’s rule', async () => {
    const card = await issueCard()
    const before = await feedbackCount(metrics, { outcome: 'accepted', rule: FIRED_RULE })
    const res = await send({ feedback: [{ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: card.suggestions[0]?.uuid }], outcomeTimestamp: '2026-11-01T10:15:00Z' }] }).expect(200)
    expect(res.body).toEqual({})
    const [stored, ...more] = await feedbackFor(store, card.uuid)
    expect(more).toEqual([])
    expect(stored).toMatchObject({
      outcome: 'accepted',
      acceptedSuggestions: [card.suggestions[0]?.uuid],
      overrideReason: null,
      userComment: null,
      serviceId: 'cat-order-select',
      outcomeTimestamp: new Date('2026-11-01T10:15:00Z'),
      requestId: res.headers['x-request-id']
    })
    expect(await feedbackCount(metrics, { outcome: 'accepted', rule: FIRED_RULE })).toBe(before + 1)
  })

  it('stores an override with a 2.0 reason and comment, with the flat reason of older clients, and with no reason', async () => {
    const card = await issueCard()
    await send({
      feedback: [
        { card: card.uuid, outcome: 'overridden', overrideReason: { reason: { system: 'urn:x', code: 'discussed', display: 'Discussed with haematology' }, userComment: 'plan agreed' }, outcomeTimestamp: '2026-11-01T10:00:00Z' },
        { card: card.uuid, outcome: 'overridden', overrideReason: { system: 'urn:x', code: 'palliative' }, outcomeTimestamp: '2026-11-01T10:01:00.123+01:00' },
        { card: card.uuid, outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:02:00Z' }
      ]
    }).expect(200)
    const stored = await feedbackFor(store, card.uuid)
    expect(stored.map((f) => [f.overrideReason, f.userComment, f.outcomeTimestamp.toISOString()]).sort()).toEqual([
      [null, null, '2026-11-01T10:02:00.000Z'],
      [{ system: 'urn:x', code: 'discussed', display: 'Discussed with haematology' }, 'plan agreed', '2026-11-01T10:00:00.000Z'],
      [{ system: 'urn:x', code: 'palliative', display: null }, null, '2026-11-01T09:01:00.123Z']
    ].sort())
  })

  it('logs one line per item with ids, outcome and reason code only: no comment, no free text, no patient', async () => {
    const card = await issueCard()
    const suggestion = card.suggestions[0]?.uuid ?? ''
    const comment = 'Discussed with Mrs Quixtar, MRN 4411-22'
    await send({
      feedback: [
        { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion }], outcomeTimestamp: '2026-11-02T10:00:00Z' },
        { card: card.uuid, outcome: 'overridden', overrideReason: { reason: { system: 'urn:x', code: 'palliative', display: 'Palliative care' }, userComment: comment }, outcomeTimestamp: '2026-11-02T10:01:00Z' },
        { card: card.uuid, outcome: 'overridden', overrideReason: { code: 'patient prefers tablets, see note', system: 'urn:x' }, outcomeTimestamp: '2026-11-02T10:02:00Z' }
      ]
    }).expect(200)
    const lines = t.logs.records.filter((r) => r.msg === 'feedback received' && (r.feedback as { card?: string } | undefined)?.card === card.uuid)
    expect(lines.map((r) => r.feedback)).toEqual([
      { service: 'cat-order-select', rule: FIRED_RULE, card: card.uuid, outcome: 'accepted', acceptedSuggestions: [suggestion], overrideReason: null, repeat: false },
      { service: 'cat-order-select', rule: FIRED_RULE, card: card.uuid, outcome: 'overridden', acceptedSuggestions: [], overrideReason: 'palliative', repeat: false },
      { service: 'cat-order-select', rule: FIRED_RULE, card: card.uuid, outcome: 'overridden', acceptedSuggestions: [], overrideReason: '(not a code)', repeat: false }
    ])
    const text = JSON.stringify(lines)
    for (const secret of [comment, 'Quixtar', 'Palliative care', 'prefers tablets']) expect(text).not.toContain(secret)
    // A repeat is logged (it arrived) and marked as such; it is stored and counted once.
    await send({ feedback: [{ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion }], outcomeTimestamp: '2026-11-02T10:00:00Z' }] }).expect(200)
    const repeat = t.logs.records.filter((r) => r.msg === 'feedback received' && (r.feedback as { card?: string } | undefined)?.card === card.uuid).at(-1)
    expect(repeat?.feedback).toMatchObject({ outcome: 'accepted', repeat: true })
  })

  it('acknowledges a repeated feedback every time, stores it once and counts it once', async () => {
    const card = await issueCard()
    const body = { feedback: [{ card: card.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'discussed', system: 'urn:x' } }, outcomeTimestamp: '2026-11-01T11:00:00Z' }] }
    const before = await feedbackCount(metrics, { outcome: 'overridden', rule: FIRED_RULE })
    await send(body).expect(200)
    await send(body).expect(200)
    // The same instant written differently is the same event.
    await send({ feedback: [{ ...body.feedback[0], outcomeTimestamp: '2026-11-01T11:00:00.000+00:00' }] }).expect(200)
    await Promise.all([send(body).expect(200), send(body).expect(200)])
    expect(await feedbackFor(store, card.uuid)).toHaveLength(1)
    expect(await feedbackCount(metrics, { outcome: 'overridden', rule: FIRED_RULE })).toBe(before + 1)
  })

  it('labels the count with the override reason: a code our cards offer, "other" for any other, "none" when accepted', async () => {
    const at = '2026-11-01T12:00:00Z'
    const ours = await issueCard()
    const theirs = await issueCard()
    const foreign = await issueCard()
    const accepted = await issueCard()
    const before = {
      ours: await feedbackCount(metrics, { outcome: 'overridden', rule: FIRED_RULE, reason: 'palliative-care' }),
      other: await feedbackCount(metrics, { outcome: 'overridden', rule: FIRED_RULE, reason: 'other' }),
      none: await feedbackCount(metrics, { outcome: 'accepted', rule: FIRED_RULE, reason: 'none' })
    }
    await send({
      feedback: [
        { card: ours.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'palliative-care', system: 'urn:cat-cds:override-reason' } }, outcomeTimestamp: at },
        // A code our cards do not offer, and one of ours under another system: neither becomes a label.
        { card: theirs.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'free text the EHR let through', system: 'urn:cat-cds:override-reason' } }, outcomeTimestamp: at },
        { card: foreign.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'palliative-care', system: 'urn:ehr:reasons' } }, outcomeTimestamp: at },
        { card: accepted.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: accepted.suggestions?.[0]?.uuid ?? '' }], outcomeTimestamp: at }
      ]
    }).expect(200)
    expect(await feedbackCount(metrics, { outcome: 'overridden', rule: FIRED_RULE, reason: 'palliative-care' })).toBe(before.ours + 1)
    expect(await feedbackCount(metrics, { outcome: 'overridden', rule: FIRED_RULE, reason: 'other' })).toBe(before.other + 2)
    expect(await feedbackCount(metrics, { outcome: 'accepted', rule: FIRED_RULE, reason: 'none' })).toBe(before.none + 1)
    const reasons = new Set((await metrics.feedback.get()).values.map((x) => x.labels.reason))
    expect([...reasons].every((r) => r === 'none' || r === 'other' || OVERRIDE_REASON_CODES.has(String(r)))).toBe(true)
  })

  it('answers 400 naming the field for invalid feedback, and stores nothing', async () => {
    const card = randomUUID()
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^feedback: /],
      [{ feedback: [] }, /^feedback: must hold at least one entry/],
      [[1, 2], /^\(body\): /],
      [{ feedback: [{ card, outcomeTimestamp: '2026-11-01T10:00:00Z' }] }, /^feedback\.0\.outcome: must be "accepted" or "overridden"/],
      [{ feedback: [{ card, outcome: 'ignored', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }, /^feedback\.0\.outcome: /],
      [{ feedback: [{ card, outcome: 'accepted', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }, /^feedback\.0\.acceptedSuggestions: required when outcome is "accepted"/],
      [{ feedback: [{ card, outcome: 'overridden', outcomeTimestamp: 'yesterday' }] }, /^feedback\.0\.outcomeTimestamp: must be an RFC 3339 date-time/],
      [{ feedback: [{ card, outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:00:00' }] }, /^feedback\.0\.outcomeTimestamp: /],
      [{ feedback: [{ card: 'has spaces <script>', outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }, /^feedback\.0\.card: must be a UUID/],
      [{ feedback: [{ outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }, /^feedback\.0\.card: /],
      [{ feedback: [{ card, outcome: 'overridden', overrideReason: { reason: { system: 'urn:x' } }, outcomeTimestamp: '2026-11-01T10:00:00Z' }] }, /^feedback\.0\.overrideReason\.reason\.code: /]
    ]
    for (const [body, message] of cases) {
      const res = await send(body).expect(400)
      expect(res.body.error).toBe('invalid_request')
      expect(res.body.message).toMatch(message)
      expect(res.body.message).not.toContain('script')
    }
    expect(await feedbackFor(store, card)).toEqual([])
  })

  it('answers 404 for an unknown service', async () => {
    await send({ feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }, 'no-such-service').expect(404)
  })

  it('stores feedback about a card it does not know (not strict), counted under rule "unknown"', async () => {
    const card = randomUUID()
    const before = await feedbackCount(metrics, { outcome: 'overridden', rule: 'unknown' })
    await send({ feedback: [{ card, outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }).expect(200)
    expect(await feedbackFor(store, card)).toHaveLength(1)
    expect(await feedbackCount(metrics, { outcome: 'overridden', rule: 'unknown' })).toBe(before + 1)
  })
})

describe.each(DIALECTS)('feedback in strict mode: %s', (dialect) => {
  let location: StoreLocation
  let store: AuditStore
  let t: TestApp

  beforeAll(async () => {
    location = await newStoreLocation(dialect)
    store = await openStore(location.url)
    t = await buildTestApp({ CDS_FEEDBACK_STRICT: 'true' }, { store, engine: cardIssuingEngine() })
  })
  afterAll(async () => {
    await t.app.close()
    await store.close()
    await location.remove()
  })

  it('accepts feedback about its own cards and refuses unknown ones (or another service’s) with 404, storing nothing', async () => {
    const issued = await request(t.app.server).post('/cds-services/cat-order-select').send(sandboxOrderSelect()).expect(200)
    const card = (issued.body.cards[0] as IssuedCard).uuid
    const entry = (uuid: string, minute: number) => ({ card: uuid, outcome: 'overridden', outcomeTimestamp: `2026-11-01T10:0${minute}:00Z` })

    await request(t.app.server).post('/cds-services/cat-order-select/feedback').send({ feedback: [entry(card, 1)] }).expect(200)

    const stranger = randomUUID()
    const res = await request(t.app.server).post('/cds-services/cat-order-select/feedback').send({ feedback: [entry(card, 2), entry(stranger, 3)] }).expect(404)
    expect(res.body).toEqual({ error: 'unknown_card', message: 'feedback.1.card: no card with this uuid was issued by this service' })

    await request(t.app.server).post('/cds-services/cat-order-sign/feedback').send({ feedback: [entry(card, 4)] }).expect(404)

    expect((await feedbackFor(store, card)).map((f) => f.outcomeTimestamp.toISOString())).toEqual(['2026-11-01T10:01:00.000Z'])
    expect(await feedbackFor(store, stranger)).toEqual([])
  })
})

describe('feedback when the store is down', () => {
  it('answers 503 and never 200', async () => {
    const store = await openStore('sqlite::memory:')
    const t = await buildTestApp({}, { store })
    try {
      await store.close()
      const res = await request(t.app.server).post('/cds-services/cat-order-select/feedback')
        .send({ feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }).expect(503)
      expect(res.body).toEqual({ error: 'store_unavailable', message: 'The feedback could not be stored; retry later' })
    } finally {
      await t.app.close()
    }
  })
})

describe('parseFeedback', () => {
  it('normalises both override shapes and the timestamp to one record shape', () => {
    const parsed = parseFeedback({
      feedback: [
        { card: 'c1', outcome: 'overridden', overrideReason: { code: 'x', system: 's', display: 'X' }, outcomeTimestamp: '2026-11-01T10:00:00+02:00', extra: true },
        { card: 'c2', outcome: 'overridden', overrideReason: { userComment: 'only a comment' }, outcomeTimestamp: '2026-11-01T10:00:00Z' }
      ]
    })
    expect(parsed).toEqual({
      ok: true,
      entries: [
        { card: 'c1', outcome: 'overridden', acceptedSuggestions: null, overrideReason: { code: 'x', system: 's', display: 'X' }, userComment: null, outcomeTimestamp: new Date('2026-11-01T08:00:00Z') },
        { card: 'c2', outcome: 'overridden', acceptedSuggestions: null, overrideReason: null, userComment: 'only a comment', outcomeTimestamp: new Date('2026-11-01T10:00:00Z') }
      ]
    })
  })
})
