// A trusted client may be bound to its own FHIR servers (`fhirServers` in the trusted-clients file):
// a call from that client naming any other fhirServer — even one allow-listed for another client — is
// refused before any connection (docs/design.md#ssrf-attempts: an origin that is not bound to the token's iss).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { dataReportEngine, patientBundle, startFhirSandbox, startLoopbackServer, type FhirSandbox, type LoopbackServer } from '../helpers/fhir.js'
import { makeKey, signToken, T0, writeTrustedClients, type TestKey } from '../helpers/jwt.js'

const PUBLIC = 'https://cds.example.org'
const SERVICE = '/cds-services/cat-patient-view'
const ISS = 'https://ehr-a.example.org'

let ownFhir: FhirSandbox
let otherFhir: LoopbackServer
let key: TestKey
let t: TestApp

beforeAll(async () => {
  ownFhir = await startFhirSandbox([patientBundle('pat-b', { conditions: 1, observations: 2, medications: 1 })])
  otherFhir = await startLoopbackServer()
  key = await makeKey('ES384')
  const clients = writeTrustedClients({ clients: [{ iss: ISS, jwks: { keys: [key.publicJwk] }, fhirServers: [`${ownFhir.origin}/`] }] })
  t = await buildTestApp({
    CDS_AUTH: 'jwt',
    CDS_TRUSTED_CLIENTS: clients,
    CDS_PUBLIC_URL: PUBLIC,
    // Both origins are allow-listed for the service: only the binding tells them apart.
    CDS_FHIR_ALLOWLIST: `${ownFhir.origin},${otherFhir.origin}`,
    CDS_FHIR_TIMEOUT_MS: '5000'
  }, { engine: dataReportEngine, auth: { now: () => T0 } })
})
afterAll(async () => {
  await t.app.close()
  await ownFhir.close()
  await otherFhir.close()
})

async function patientView (fhirServer: string): Promise<{ status: number, body: { error?: string, message?: string } }> {
  const token = await signToken({ key, iss: ISS, aud: PUBLIC + SERVICE })
  const res = await t.app.inject({
    method: 'POST',
    url: SERVICE,
    headers: { authorization: `Bearer ${token}` },
    payload: { hook: 'patient-view', hookInstance: `hi-${Math.random().toString(36).slice(2)}`, fhirServer, context: { patientId: 'pat-b', userId: 'Practitioner/1' } }
  })
  return { status: res.statusCode, body: res.json() }
}

describe('fhirServer bound to the CDS client', () => {
  it('fetches from the client’s own FHIR server', async () => {
    expect((await patientView(ownFhir.base)).status).toBe(200)
    expect(ownFhir.requests.length).toBeGreaterThan(0)
  })

  it('refuses another allow-listed origin with 412 and no connection to it', async () => {
    const res = await patientView(`${otherFhir.origin}/fhir`)
    expect(res.status).toBe(412)
    expect(res.body.error).toBe('required_data_unavailable')
    expect(res.body.message).toMatch(/not one of the FHIR servers registered for this CDS client/)
    expect(res.body.message).not.toContain(otherFhir.origin)
    expect(otherFhir.connections).toBe(0)
  })
})
