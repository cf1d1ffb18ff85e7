// `cat-cds invoke` as an integrator runs it: the real command in a child process, against the local
// FHIR sandbox and a CDS service listening on loopback. The service's engine reports the data it
// received, so the printed card shows what travelled.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CdsEngine, HookCall } from '../../src/cds/engine-contract.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { dataReportEngine, patientBundle, startFhirSandbox, type FhirSandbox } from '../helpers/fhir.js'
import { freeLoopbackPort } from '../helpers/ports.js'
import { runCli } from '../helpers/process.js'

let fhir: FhirSandbox
let service: TestApp
let serviceUrl: string
const calls: HookCall[] = []
const recording: CdsEngine = { evaluate: (call) => { calls.push(call); return dataReportEngine.evaluate(call) } }

async function listening (env: Record<string, string>): Promise<{ t: TestApp, url: string }> {
  const t = await buildTestApp({ CDS_FHIR_TIMEOUT_MS: '5000', ...env }, { engine: recording })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  return { t, url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}` }
}

beforeAll(async () => {
  fhir = await startFhirSandbox([patientBundle('cli-1', { conditions: 2, observations: 3, medications: 1 })])
  ;({ t: service, url: serviceUrl } = await listening({ CDS_FHIR_ALLOWLIST: fhir.origin }))
})
afterAll(async () => {
  await service.app.close()
  await fhir.close()
})
beforeEach(() => {
  calls.length = 0
  fhir.requests.length = 0
})

const invoke = async (...args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> =>
  await runCli(['invoke', '--fhir-server', fhir.base, '--patient', 'cli-1', '--service-url', serviceUrl, ...args])

describe('cat-cds invoke', () => {
  it('prefetches from the FHIR server, calls the service and prints the cards readably', async () => {
    const { code, stdout, stderr } = await invoke('--hook', 'order-select', '--drug', 'Apixaban 5MG')
    expect(code).toBe(0)
    expect(stdout).toContain('[INFO] patient=Patient conditions=Bundle:2 observations=Bundle:3 procedures=Bundle:0 medications=Bundle:1')
    expect(stdout).toContain('Test engine: **reports** the data it received.')
    expect(stdout).toContain('source: data report (test engine)')
    expect(stdout).toContain('suggestions (choose at most one):')
    expect(stdout).toContain('★ Switch to a test alternative')
    expect(stdout).toContain('create: Order the test alternative')
    expect(stdout).toContain('override reasons: Test reason')
    expect(stdout).toContain('1 card')
    expect(stdout).not.toContain('\u001b[') // no colour when stdout is not a terminal
    expect(stderr).toMatch(/prefetching 5 keys from/)
    expect(stderr).toMatch(/ {2}observations {2}Bundle with 3 entries/)
    expect(stderr).toMatch(/calling http:\/\/127\.0\.0\.1:\d+\/cds-services\/cat-order-select/)

    const request = calls[0]?.request
    expect(request?.hook).toBe('order-select')
    expect(request?.context.selections).toEqual(['MedicationRequest/cat-cds-invoke-1'])
    expect(request?.context.draftOrders?.entry?.[0]?.resource).toMatchObject({
      resourceType: 'MedicationRequest',
      status: 'draft',
      subject: { reference: 'Patient/cli-1' },
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1364445' }] }
    })
    expect(Object.keys(request?.prefetch ?? {}).sort()).toEqual(['conditions', 'medications', 'observations', 'patient', 'procedures'])
    expect(fhir.requests).toHaveLength(5)
  })

  it('with --no-prefetch leaves the fetching to the service, which forwards the token', async () => {
    const { code, stdout, stderr } = await invoke('--hook', 'patient-view', '--no-prefetch', '--token', 'cli-token-1')
    expect(code).toBe(0)
    expect(stdout).toContain('patient=Patient conditions=Bundle:2 observations=Bundle:3 procedures=Bundle:0 medications=Bundle:1')
    expect(stderr).toMatch(/no prefetch; the service fetches from/)
    const request = calls[0]?.request
    expect(request?.prefetch).toBeUndefined()
    expect(request?.context.draftOrders).toBeUndefined()
    expect(request?.fhirAuthorization).toMatchObject({ access_token: 'cli-token-1', token_type: 'Bearer', patient: 'cli-1' })
    expect(fhir.requests).toHaveLength(5)
    expect(fhir.requests.every((r) => r.headers.authorization === 'Bearer cli-token-1')).toBe(true)
  })

  it('prints the raw response with --json', async () => {
    const { code, stdout } = await invoke('--hook', 'order-sign', '--drug', '1232086', '--json')
    expect(code).toBe(0)
    const body = JSON.parse(stdout) as { cards: Array<{ indicator: string }> }
    expect(body.cards[0]?.indicator).toBe('info')
    expect(calls[0]?.request.context.selections).toBeUndefined()
  })

  it('orders what an --order file holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat-cds-order-'))
    const file = join(dir, 'order.json')
    writeFileSync(file, JSON.stringify({ resourceType: 'MedicationRequest', id: 'my-order', status: 'draft', intent: 'order', medicationCodeableConcept: { text: 'a synthetic order' }, dosageInstruction: [{ text: 'as written' }] }))
    const { code } = await invoke('--hook', 'order-select', '--order', file)
    expect(code).toBe(0)
    expect(calls[0]?.request.context.selections).toEqual(['MedicationRequest/my-order'])
    expect(calls[0]?.request.context.draftOrders?.entry?.[0]?.resource).toMatchObject({ id: 'my-order', dosageInstruction: [{ text: 'as written' }] })
  })

  it('explains a 412 when the service may not call the FHIR server', async () => {
    const other = await listening({ CDS_FHIR_ALLOWLIST: 'https://ehr.example.org' })
    try {
      const { code, stderr } = await runCli(['invoke', '--fhir-server', fhir.base, '--patient', 'cli-1', '--service-url', other.url, '--hook', 'patient-view', '--no-prefetch'])
      expect(code).toBe(1)
      expect(stderr).toMatch(/could not obtain the FHIR data it needs \(412\): Required FHIR data could not be obtained: patient \(the FHIR server origin is not allow-listed\)/)
      expect(stderr).toContain(`add ${fhir.origin} to its CDS_FHIR_ALLOWLIST`)
      expect(fhir.requests).toEqual([])
    } finally {
      await other.t.app.close()
    }
  })

  it.each([
    [['--drug', 'dalteparin'], 2, /unknown drug "dalteparin"\. Known drugs:[\s\S]*apixaban 5 mg \(1364445\)[\s\S]*--order FILE/],
    [['--drug', '999999'], 2, /unknown drug "999999"/],
    [['--hook', 'order-sign'], 2, /order-sign needs the order being placed: pass --drug NAME\|RXCUI or --order FILE/],
    [['--hook', 'patient-view', '--drug', 'warfarin'], 2, /patient-view has no order/],
    [['--hook', 'order-review', '--drug', 'warfarin'], 2, /--hook must be one of order-select, order-sign, patient-view/],
    [['--drug', 'warfarin', '--order', 'x.json'], 2, /either --drug or --order/],
    [['--order', '/nonexistent/order.json'], 2, /cannot read --order file \/nonexistent\/order\.json \(ENOENT\)/],
    [['--drug', 'warfarin', '--bogus'], 2, /Unknown option '--bogus'/]
  ])('refuses %j with a message saying what to fix', async (args, exit, message) => {
    const { code, stderr } = await invoke(...args)
    expect(code).toBe(exit)
    expect(stderr).toMatch(message)
  })

  it('says what is missing when required options are left out', async () => {
    const none = await runCli(['invoke'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/--fhir-server is required/)
    const help = await runCli(['invoke', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: cat-cds invoke --fhir-server URL --patient ID/)
  })

  it('says when the patient is not on the FHIR server', async () => {
    const { code, stderr } = await runCli(['invoke', '--fhir-server', fhir.base, '--patient', 'nobody', '--service-url', serviceUrl, '--drug', 'warfarin'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/patient "nobody" was not found on http:\/\/127\.0\.0\.1:\d+\/fhir \(HTTP 404\): check --patient/)
  })

  it('says when the FHIR server or the service cannot be reached', async () => {
    const closed = await freeLoopbackPort()
    const noFhir = await runCli(['invoke', '--fhir-server', `http://127.0.0.1:${closed}/fhir`, '--patient', 'cli-1', '--service-url', serviceUrl, '--drug', 'warfarin'])
    expect(noFhir.code).toBe(1)
    expect(noFhir.stderr).toContain(`cannot read from the FHIR server at http://127.0.0.1:${closed}/fhir: the FHIR server could not be reached (ECONNREFUSED). Is it running?`)
    const noService = await invoke('--drug', 'warfarin', '--service-url', `http://127.0.0.1:${closed}`)
    expect(noService.code).toBe(1)
    expect(noService.stderr).toContain(`cannot reach the CDS service at http://127.0.0.1:${closed}/cds-services (ECONNREFUSED): is it running?`)
  })
})
