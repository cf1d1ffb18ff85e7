// The FHIR server for the "prefetch omitted" scenario: the local FHIR sandbox (a real FHIR R4 server
// in process) loaded with the benchmark patient, every response held for a fixed delay to stand in for
// a remote EHR, and large pages so that each prefetch key is one round trip.
//   node dist-bench/bench/fhir-stub.js <port> <observations> <delayMs>
import type { Bundle, FhirResource } from 'fhir/r4.js'
import { buildFhirSandbox } from '../src/sandbox/fhir-server.js'
import { hookRequest } from './payloads.js'

const [port, observations, delayMs] = process.argv.slice(2).map(Number)
const prefetch = hookRequest({ observations: observations ?? 100 }).prefetch as Record<string, FhirResource>
const resources: FhirResource[] = []
for (const value of Object.values(prefetch)) {
  if (value.resourceType === 'Bundle') resources.push(...(value.entry ?? []).flatMap((e) => (e.resource !== undefined ? [e.resource as FhirResource] : [])))
  else resources.push(value)
}
const bundle: Bundle = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: resources.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` } }))
}
const app = await buildFhirSandbox({ bundles: [bundle], pageSize: 5000, delayMs: delayMs ?? 50 })
await app.listen({ port: port ?? 0, host: '127.0.0.1' })
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
