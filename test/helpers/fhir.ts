// FHIR-side helpers for integration tests: synthetic patient bundles built in code, the project's
// local FHIR sandbox on a loopback port with every request it receives recorded, loopback servers
// that count connections, a counter of outgoing connection attempts, and an engine that reports
// what data reached it. All patient data here is synthetic.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4.js'
import type { CdsEngine } from '../../src/cds/engine-contract.js'
import { buildFhirSandbox, type FhirSandboxOptions } from '../../src/sandbox/fhir-server.js'

export interface PatientCounts {
  conditions?: number
  observations?: number
  medications?: number
}

function put (resource: FhirResource & { id: string }): BundleEntry {
  return { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }
}

/** A transaction Bundle for one synthetic patient with the given numbers of each resource. */
export function patientBundle (id: string, counts: PatientCounts = {}): Bundle {
  const subject = { reference: `Patient/${id}` }
  const entries: BundleEntry[] = [put({ resourceType: 'Patient', id, name: [{ given: ['Test'], family: `Patient-${id}` }], gender: 'female', birthDate: '1960-02-03' })]
  for (let i = 0; i < (counts.conditions ?? 1); i++) {
    entries.push(put({ resourceType: 'Condition', id: `${id}-c${i}`, subject, code: { text: `synthetic condition ${i}` } }))
  }
  for (let i = 0; i < (counts.observations ?? 1); i++) {
    entries.push(put({
      resourceType: 'Observation',
      id: `${id}-o${i}`,
      status: 'final',
      subject,
      code: { coding: [{ system: 'http://loinc.org', code: i % 2 === 0 ? '2160-0' : '777-3' }] },
      effectiveDateTime: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`,
      valueQuantity: { value: i }
    }))
  }
  for (let i = 0; i < (counts.medications ?? 1); i++) {
    entries.push(put({ resourceType: 'MedicationRequest', id: `${id}-m${i}`, status: 'active', intent: 'order', subject, medicationCodeableConcept: { text: `synthetic drug ${i}` } }))
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: entries }
}

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
}

export interface FhirSandbox {
  base: string
  origin: string
  requests: RecordedRequest[]
  close: () => Promise<void>
}

/** The project's FHIR sandbox on 127.0.0.1, recording every request (method, URL, headers). */
export async function startFhirSandbox (bundles: Bundle[], options: Omit<FhirSandboxOptions, 'bundles'> = {}): Promise<FhirSandbox> {
  const app = await buildFhirSandbox({ bundles, ...options })
  const requests: RecordedRequest[] = []
  app.addHook('onRequest', async (request) => { requests.push({ method: request.method, url: request.url, headers: request.headers }) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return { base: `${origin}/fhir`, origin, requests, close: async () => await app.close() }
}

export interface LoopbackServer {
  origin: string
  /** TCP connections accepted so far. */
  connections: number
  requests: RecordedRequest[]
  close: () => Promise<void>
}

/**
 * An HTTP server on 127.0.0.1 that counts connections and answers with `handler` (by default a
 * FHIR 404). Handlers that never answer are released when the server closes.
 */
export async function startLoopbackServer (handler?: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const sockets = new Set<Socket>()
  const state = { connections: 0, requests: [] as RecordedRequest[] }
  const server = createServer((req, res) => {
    state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    if (handler !== undefined) handler(req, res)
    else res.writeHead(404, { 'content-type': 'application/fhir+json' }).end('{"resourceType":"OperationOutcome","issue":[]}')
  })
  server.on('connection', (socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    get connections () { return state.connections },
    requests: state.requests,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/**
 * Counts outgoing connection attempts in this process: TCP client sockets created (Node's
 * `net.client.socket` channel), and the `host:port` of every connection undici is about to open
 * (`undici:client:beforeConnect`).
 * Tests that use it call the app through `inject`, which opens no socket.
 */
export function countConnectionAttempts (): { sockets: number, targets: string[], stop: () => void } {
  const state = { sockets: 0, targets: [] as string[] }
  const onSocket = (): void => { state.sockets++ }
  const onConnect = (message: unknown): void => {
    const params = (message as { connectParams?: { hostname?: string, port?: string } }).connectParams
    state.targets.push(`${params?.hostname ?? '?'}:${params?.port ?? '?'}`)
  }
  subscribe('net.client.socket', onSocket)
  subscribe('undici:client:beforeConnect', onConnect)
  return {
    get sockets () { return state.sockets },
    targets: state.targets,
    stop: () => {
      unsubscribe('net.client.socket', onSocket)
      unsubscribe('undici:client:beforeConnect', onConnect)
    }
  }
}

function entryCount (value: unknown): string {
  if (value === null) return 'null'
  const v = value as { resourceType?: string, entry?: unknown[] }
  return v.resourceType === 'Bundle' ? `Bundle:${v.entry?.length ?? 0}` : String(v.resourceType)
}

/**
 * An engine that reports what data reached it, as one info card whose summary reads e.g.
 * `patient=Patient conditions=Bundle:3 observations=absent medications=null`.
 */
export const dataReportEngine: CdsEngine = {
  evaluate: ({ service, data }) => ({
    cards: [{
      uuid: '5f0b7a52-3c1e-4d6e-9a55-0c6f1f4f7a11',
      summary: Object.keys(service.prefetch).map((k) => `${k}=${Object.hasOwn(data, k) ? entryCount(data[k]) : 'absent'}`).join(' '),
      indicator: 'info',
      detail: 'Test engine: **reports** the data it received.',
      source: { label: 'data report (test engine)' },
      selectionBehavior: 'at-most-one',
      suggestions: [{ label: 'Switch to a test alternative', uuid: '9d0f9c7e-1c8e-4c3e-8f7b-6b0e0a1d2c33', isRecommended: true, actions: [{ type: 'create', description: 'Order the test alternative', resource: { resourceType: 'MedicationRequest', status: 'draft', intent: 'order' } }] }],
      overrideReasons: [{ code: 'test', system: 'http://example.org/test-reasons', display: 'Test reason' }]
    }],
    decisions: []
  })
}
