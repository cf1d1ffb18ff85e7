// `npm run sandbox` (`cat-cds sandbox`): the local FHIR R4 sandbox loaded with the synthetic CAT
// patients, and the CDS service configured to call it, then how to use both. The service reads
// its configuration from the environment as `serve` does; the sandbox adds its own origins to
// CDS_FHIR_ALLOWLIST and, unless HOST is set, binds both servers to localhost only.
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Bundle } from 'fhir/r4.js'
import { loadConfig } from '../config.js'
import { startServer } from '../server.js'
import { buildFhirSandbox, FHIR_BASE_PATH } from './fhir-server.js'
import { DEFAULT_PATIENTS_DIR, loadSyntheticPatients, type SyntheticPatient } from './patients.js'

export const SANDBOX_USAGE = `Usage: cat-cds sandbox [--fhir-port N] [--patients DIR]   (npm run sandbox -- …)

Starts a FHIR R4 server loaded with the synthetic CAT patients and the CDS service pointed at it.
  --fhir-port N     port of the FHIR server (default 8080; 0 = any free port)
  --patients DIR    transaction Bundles to load (default test/fixtures/patients)
The CDS service is configured by environment variables as for \`cat-cds serve\` (PORT defaults to 3000).
`

function patientLine (p: SyntheticPatient): string {
  const patient = p.bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as
    { name?: Array<{ given?: string[], family?: string }>, birthDate?: string, gender?: string } | undefined
  const name = patient?.name?.[0]
  const who = [name?.given?.join(' '), name?.family].filter((s) => s !== undefined && s !== '').join(' ')
  return `  ${p.patientId.padEnd(28)} ${who}${patient?.birthDate !== undefined ? `, born ${patient.birthDate}` : ''}${patient?.gender !== undefined ? `, ${patient.gender}` : ''}  (${p.name})`
}

export async function runSandbox (argv: string[]): Promise<number | undefined> {
  let values
  try {
    ({ values } = parseArgs({ args: argv, options: { 'fhir-port': { type: 'string', default: '8080' }, patients: { type: 'string', default: DEFAULT_PATIENTS_DIR }, help: { type: 'boolean', short: 'h', default: false } } }))
  } catch (err) {
    process.stderr.write(`cat-cds sandbox: ${(err as Error).message}\n\n${SANDBOX_USAGE}`)
    return 2
  }
  if (values.help) {
    process.stdout.write(SANDBOX_USAGE)
    return 0
  }
  const fhirPort = Number(values['fhir-port'])
  if (!Number.isInteger(fhirPort) || fhirPort < 0 || fhirPort > 65535) {
    process.stderr.write(`cat-cds sandbox: --fhir-port must be a port number, got "${values['fhir-port']}"\n`)
    return 2
  }

  const patients = existsSync(values.patients) ? loadSyntheticPatients(new Date(), values.patients) : []
  if (patients.length === 0) process.stderr.write(`cat-cds sandbox: no patient bundles in ${values.patients}; the FHIR server starts empty (POST a transaction Bundle to load one)\n`)

  const host = process.env.HOST ?? 'localhost'
  const fhir = await buildFhirSandbox({
    bundles: patients.map((p) => p.bundle as Bundle),
    onRequest: (r) => process.stderr.write(`fhir: ${r.method} ${r.url} → ${r.status}${r.authorization ? ' (with Authorization)' : ''}\n`)
  })
  try {
    await fhir.listen({ port: fhirPort, host })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    process.stderr.write(`cat-cds sandbox: port ${fhirPort} is in use; choose another with --fhir-port N\n`)
    return 1
  }
  const address = fhir.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : fhirPort
  // How clients reach a server bound to `host`; a wildcard or localhost binding is shown as localhost.
  const shown = ['localhost', '0.0.0.0', '::'].includes(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host
  const fhirOrigins = [...new Set([`http://${shown}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`])]
  const fhirBase = `${fhirOrigins[0]}${FHIR_BASE_PATH}`

  const allowlist = [process.env.CDS_FHIR_ALLOWLIST, ...fhirOrigins].filter((s) => s !== undefined && s !== '').join(',')
  const config = loadConfig({ ...process.env, HOST: host, CDS_FHIR_ALLOWLIST: allowlist })
  let url: string
  try {
    ({ url } = await startServer(config))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    await fhir.close()
    process.stderr.write(`cat-cds sandbox: port ${config.port} for the CDS service is in use; set PORT to another one\n`)
    return 1
  }
  const serviceBase = `http://${shown}:${new URL(url).port}`
  const first = patients[0]?.patientId ?? '<patient-id>'
  // invoke's default --service-url is http://localhost:3000; name the service when it is elsewhere.
  const serviceFlag = serviceBase === 'http://localhost:3000' ? '' : ` --service-url ${serviceBase}`
  const publicSandbox = `https://sandbox.cds-hooks.org/?fhirServiceUrl=${encodeURIComponent(fhirBase)}` +
    `&serviceDiscoveryURL=${encodeURIComponent(`${serviceBase}/cds-services`)}&patientId=${encodeURIComponent(first)}`

  process.stdout.write(`
CAT-CDS sandbox is running (Ctrl-C stops both servers)

  FHIR R4 server  ${fhirBase}   (${patients.length} synthetic patient${patients.length === 1 ? '' : 's'})
  CDS service     ${serviceBase}/cds-services   (may call ${fhirOrigins.join(', ')})
  Client auth     ${config.auth === 'jwt'
    ? `JWT, clients from ${config.trustedClientsPath ?? ''}; a token's aud must be the exact URL called under ${config.publicUrls.join(', ')}`
    : 'off: calls need no JWT (CDS_AUTH=jwt turns it on)'}

Patients:
${patients.length > 0 ? patients.map(patientLine).join('\n') : '  (none loaded)'}

Try, in another terminal:
  npx cat-cds invoke --fhir-server ${fhirBase} --patient ${first} --hook order-select --drug apixaban${serviceFlag}
  npx cat-cds invoke --fhir-server ${fhirBase} --patient ${first} --hook patient-view --no-prefetch${serviceFlag}
  curl -s ${fhirBase}/Condition?patient=${first}

Public CDS Hooks sandbox (open in a browser on this machine):
  ${publicSandbox}

`)
  return undefined
}
