// `cat-cds invoke`: what an EHR does, from a terminal. Builds a CDS Hooks request for a patient on a
// FHIR server (prefetch filled from that server, or left for the service to fetch), calls a
// service, and prints the cards. Progress goes to stderr, cards to stdout; every error says what
// to fix.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { HookRequest } from '../cds/request.js'
import { SUPPORTED_HOOKS, type HookName } from '../cds/services.js'
import { renderTemplate, onFhirServer } from '../data/templates.js'
import { FhirClient, FhirFetchError } from '../fhir-client/client.js'
import { outgoingTraceparent } from '../observability/trace-context.js'
import { renderCards } from './cards-text.js'
import { ClientSigner, SigningKeyError } from './client-jwt.js'
import { findDrug, knownDrugNames, RXNORM } from './drugs.js'

export const INVOKE_USAGE = `Usage: cat-cds invoke --fhir-server URL --patient ID [options]

Builds a CDS Hooks request for a patient on a FHIR server, calls a CAT-CDS service and prints its cards.

  --fhir-server URL   FHIR R4 base URL holding the patient (npm run sandbox serves http://localhost:8080/fhir)
  --patient ID        Patient id on that server
  --hook HOOK         order-select (default), order-sign or patient-view
  --drug DRUG         drug to order, by name ("apixaban", "apixaban 5 mg") or RxNorm code (order hooks)
  --order FILE        a MedicationRequest (or a Bundle of them) to order instead of --drug
  --no-prefetch       send no prefetch: the service fetches from the FHIR server itself
                      (its CDS_FHIR_ALLOWLIST must list the FHIR server's origin)
  --service-url URL   service base, discovery URL or service URL (default http://localhost:3000)
  --token TOKEN       FHIR access token: used for prefetching and passed on as fhirAuthorization
  --sign-key PEM      sign each call with a CDS client JWT (ES384, aud = the exact URL called) using this
                      private key; needs --iss. \`cat-cds keys generate\` makes one and its trusted-clients file
  --iss URL           the issuer of those JWTs (the service's CDS_TRUSTED_CLIENTS must list it)
  --user REF          userId in the context (default Practitioner/cat-cds-cli)
  --json              print the service's JSON response instead of readable cards
  -h, --help          show this text
`

/** A problem the user can fix; the message says how. */
class InvokeError extends Error {
  constructor (message: string, readonly exitCode = 1) {
    super(message)
  }
}

export interface InvokeIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  colour: boolean
}

interface Discovered {
  id: string
  hook: string
  prefetch?: Record<string, string>
}

interface Options {
  fhirServer: string
  patient: string
  hook: HookName
  drug: string | undefined
  order: string | undefined
  prefetch: boolean
  serviceUrl: string
  token: string | undefined
  signKey: string | undefined
  iss: string | undefined
  user: string
  json: boolean
}

const FETCH_DEADLINE_MS = 60_000

function parseOptions (argv: string[]): Options | 'help' {
  let values
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'fhir-server': { type: 'string' },
        patient: { type: 'string' },
        hook: { type: 'string', default: 'order-select' },
        drug: { type: 'string' },
        order: { type: 'string' },
        'no-prefetch': { type: 'boolean', default: false },
        'service-url': { type: 'string', default: 'http://localhost:3000' },
        token: { type: 'string' },
        'sign-key': { type: 'string' },
        iss: { type: 'string' },
        user: { type: 'string', default: 'Practitioner/cat-cds-cli' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }))
  } catch (err) {
    throw new InvokeError(`${(err as Error).message}\n\n${INVOKE_USAGE}`, 2)
  }
  if (values.help) return 'help'
  const fhirServer = values['fhir-server']
  const patient = values.patient
  if (fhirServer === undefined) throw new InvokeError(`--fhir-server is required (for example http://localhost:8080/fhir)\n\n${INVOKE_USAGE}`, 2)
  if (patient === undefined) throw new InvokeError(`--patient is required (a Patient id on ${fhirServer})\n\n${INVOKE_USAGE}`, 2)
  if (!/^https?:\/\/[^/]/.test(fhirServer)) throw new InvokeError(`--fhir-server must be an http(s) URL, got "${fhirServer}"`, 2)
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(patient)) throw new InvokeError('--patient must be a FHIR id (letters, digits, "-" and ".", at most 64)', 2)
  const hook = values.hook
  if (!Object.hasOwn(SUPPORTED_HOOKS, hook)) throw new InvokeError(`--hook must be one of ${Object.keys(SUPPORTED_HOOKS).join(', ')}; got "${hook}"`, 2)
  const isOrderHook = hook !== 'patient-view'
  if (isOrderHook && values.drug === undefined && values.order === undefined) {
    throw new InvokeError(`${hook} needs the order being placed: pass --drug NAME|RXCUI or --order FILE`, 2)
  }
  if (!isOrderHook && (values.drug !== undefined || values.order !== undefined)) {
    throw new InvokeError('patient-view has no order: leave out --drug and --order', 2)
  }
  if (values.drug !== undefined && values.order !== undefined) throw new InvokeError('pass either --drug or --order, not both', 2)
  if ((values['sign-key'] === undefined) !== (values.iss === undefined)) {
    throw new InvokeError('--sign-key and --iss go together: the key signs, the issuer names whose key it is', 2)
  }
  return {
    fhirServer: fhirServer.replace(/\/+$/, ''),
    patient,
    hook: hook as HookName,
    drug: values.drug,
    order: values.order,
    prefetch: !values['no-prefetch'],
    serviceUrl: values['service-url'].replace(/\/+$/, ''),
    token: values.token,
    signKey: values['sign-key'],
    iss: values.iss,
    user: values.user,
    json: values.json
  }
}

/** The draft MedicationRequests being ordered. */
function draftOrders (options: Options): Array<Record<string, unknown>> {
  if (options.drug !== undefined) {
    const drug = findDrug(options.drug)
    if (drug === undefined) {
      throw new InvokeError(`unknown drug "${options.drug}". Known drugs:\n  ${knownDrugNames().join('\n  ')}\nFor anything else, write the MedicationRequest to a file and pass --order FILE.`, 2)
    }
    return [{
      resourceType: 'MedicationRequest',
      id: 'cat-cds-invoke-1',
      status: 'draft',
      intent: 'order',
      subject: { reference: `Patient/${options.patient}` },
      authoredOn: new Date().toISOString(),
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: drug.rxcui, display: drug.name }], text: drug.name }
    }]
  }
  if (options.order === undefined) return []
  let json: unknown
  try {
    json = JSON.parse(readFileSync(options.order, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new InvokeError(e.code !== undefined
      ? `cannot read --order file ${options.order} (${e.code})`
      : `--order file ${options.order} is not valid JSON: ${e.message}`, 2)
  }
  const resources = (json as { resourceType?: unknown }).resourceType === 'Bundle'
    ? ((json as { entry?: Array<{ resource?: unknown }> }).entry ?? []).map((e) => e.resource)
    : [json]
  const orders = resources.filter((r): r is Record<string, unknown> => (r as { resourceType?: unknown } | null)?.resourceType === 'MedicationRequest')
  if (orders.length === 0) throw new InvokeError(`--order file ${options.order} holds no MedicationRequest (a MedicationRequest or a Bundle of them is expected)`, 2)
  return orders.map((o, i) => ({ ...o, id: typeof o.id === 'string' ? o.id : `cat-cds-invoke-${i + 1}` }))
}

/** Service endpoint and its prefetch templates, from the discovery document. */
async function discover (options: Options, signer: ClientSigner | undefined, io: InvokeIo): Promise<{ url: string, service: Discovered }> {
  const m = /^(.*\/cds-services)(?:\/([^/]+))?$/.exec(options.serviceUrl)
  const discoveryUrl = m?.[1] ?? `${options.serviceUrl}/cds-services`
  const wantedId = m?.[2]
  io.stderr(`cat-cds: discovering services at ${discoveryUrl}\n`)
  const res = await call(discoveryUrl, { headers: { accept: 'application/json', ...await authorization(signer, discoveryUrl) } }, 'CDS service')
  if (res.status === 401) throw new InvokeError(refusalHint(discoveryUrl, res, options))
  if (!res.ok) throw new InvokeError(`service discovery at ${discoveryUrl} answered HTTP ${res.status}; check --service-url`)
  const body = await res.json().catch(() => undefined) as { services?: Discovered[] } | undefined
  const services = Array.isArray(body?.services) ? body.services : []
  const service = wantedId !== undefined ? services.find((s) => s.id === wantedId) : services.find((s) => s.hook === options.hook)
  if (service === undefined) {
    const offered = services.map((s) => `${s.id} (${s.hook})`).join(', ') || 'none'
    throw new InvokeError(wantedId !== undefined
      ? `no service "${wantedId}" at ${discoveryUrl}; it offers: ${offered}`
      : `no ${options.hook} service at ${discoveryUrl}; it offers: ${offered}`)
  }
  if (service.hook !== options.hook) throw new InvokeError(`service ${service.id} implements ${service.hook}, not ${options.hook}: pass --hook ${service.hook}`, 2)
  return { url: `${discoveryUrl}/${service.id}`, service }
}

/** A CDS client JWT for this exact URL, when --sign-key was given. */
async function authorization (signer: ClientSigner | undefined, url: string): Promise<Record<string, string>> {
  return signer === undefined ? {} : { authorization: `Bearer ${await signer.sign(url)}` }
}

/** What to do about a 401, from the reason code the service puts in WWW-Authenticate. */
function refusalHint (url: string, res: Response, options: Options): string {
  const reason = /error_description="([a-z_]+)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1] ?? 'unknown'
  if (options.signKey === undefined) {
    return `${url} requires a signed CDS client JWT (CDS_AUTH=jwt; reason: ${reason}): pass --sign-key and --iss ` +
      '(`npx cat-cds keys generate` makes a key and the trusted-clients file for the service), or run the service with CDS_AUTH=off'
  }
  const fix: Record<string, string> = {
    audience_mismatch: `the service does not accept ${new URL(url).origin} as its own address: add it to the service's CDS_PUBLIC_URL, or call it by an address listed there (its boot log lists them)`,
    unknown_issuer: `the service does not trust the issuer ${options.iss ?? ''}: its CDS_TRUSTED_CLIENTS file must list it (the trusted-clients.json \`keys generate\` wrote)`,
    unknown_key: 'the service trusts the issuer but not this key: point its CDS_TRUSTED_CLIENTS at the trusted-clients.json written with this key, and restart it',
    alg_not_allowed: 'the service does not allow ES384 for this issuer: add "ES384" to its algorithms in the trusted-clients file',
    expired: 'the token was already expired when it arrived: check this machine\'s clock',
    not_yet_valid: 'the token is dated in the future for the service: check this machine\'s clock'
  }
  return `${url} refused the signed call (401, reason: ${reason}): ${fix[reason] ?? 'see the service log line "CDS client authentication failed"'}`
}

async function call (url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(FETCH_DEADLINE_MS) })
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code
    throw new InvokeError(`cannot reach the ${what} at ${url}${code !== undefined ? ` (${code})` : ''}: is it running? ` +
      '`npm run sandbox` starts a FHIR server and the service; `npm start` the service alone; or pass --service-url')
  }
}

async function prefetch (options: Options, service: Discovered, request: HookRequest, io: InvokeIo): Promise<Record<string, unknown>> {
  const templates = Object.entries(service.prefetch ?? {})
  const out: Record<string, unknown> = {}
  if (templates.length === 0) return out
  io.stderr(`cat-cds: prefetching ${templates.length} keys from ${options.fhirServer}\n`)
  const client = new FhirClient({ allowlist: [new URL(options.fhirServer).origin], retries: 1, breakerFailures: 1000, breakerCooldownMs: 1000, maxResponseBytes: 64 * 1024 * 1024 })
  const signal = AbortSignal.timeout(FETCH_DEADLINE_MS)
  const traceparent = outgoingTraceparent(undefined)
  try {
    await Promise.all(templates.map(async ([key, template]) => {
      const relative = renderTemplate(template, request)
      if (relative === undefined) {
        io.stderr(`  ${key.padEnd(13)} skipped: its template needs a token this context does not carry\n`)
        return
      }
      const started = performance.now()
      try {
        const resource = await client.readAll(onFhirServer(options.fhirServer, relative), { signal, token: options.token, traceparent })
        const entries = Array.isArray(resource.entry) ? ` with ${resource.entry.length} entries` : ''
        io.stderr(`  ${key.padEnd(13)} ${resource.resourceType}${entries} (${Math.round(performance.now() - started)} ms)\n`)
        out[key] = resource
      } catch (err) {
        if (!(err instanceof FhirFetchError)) throw err
        if (err.outcome === 'network' || err.outcome === 'timeout') {
          throw new InvokeError(`cannot read from the FHIR server at ${options.fhirServer}: ${err.message}. Is it running? (\`npm run sandbox\` serves one at http://localhost:8080/fhir)`)
        }
        if (err.status === 401 || err.status === 403) throw new InvokeError(`the FHIR server refused access (HTTP ${err.status}): pass an access token with --token`)
        if (key === 'patient' && err.status === 404) {
          throw new InvokeError(`patient "${options.patient}" was not found on ${options.fhirServer} (HTTP 404): check --patient; ${options.fhirServer}/Patient lists the patients`)
        }
        io.stderr(`  ${key.padEnd(13)} not prefetched: ${err.message}; the service will try to fetch it\n`)
      }
    }))
  } finally {
    await client.close()
  }
  return out
}

async function loadSigner (options: Options): Promise<ClientSigner | undefined> {
  if (options.signKey === undefined || options.iss === undefined) return undefined
  let pem: string
  try {
    pem = readFileSync(options.signKey, 'utf8')
  } catch (err) {
    throw new InvokeError(`cannot read --sign-key file ${options.signKey} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, 2)
  }
  try {
    return await ClientSigner.fromPem(pem, options.iss)
  } catch (err) {
    if (!(err instanceof SigningKeyError)) throw err
    throw new InvokeError(`--sign-key ${options.signKey}: ${err.message}`, 2)
  }
}

export async function invoke (argv: string[], io: InvokeIo): Promise<number> {
  try {
    const options = parseOptions(argv)
    if (options === 'help') {
      io.stdout(INVOKE_USAGE)
      return 0
    }
    const orders = draftOrders(options)
    const signer = await loadSigner(options)
    const { url, service } = await discover(options, signer, io)
    const context: Record<string, unknown> = { userId: options.user, patientId: options.patient }
    if (options.hook !== 'patient-view') {
      context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) }
      if (options.hook === 'order-select') context.selections = orders.map((o) => `MedicationRequest/${String(o.id)}`)
    }
    const request: HookRequest & Record<string, unknown> = {
      hookInstance: randomUUID(),
      hook: options.hook,
      fhirServer: options.fhirServer,
      context: context as unknown as HookRequest['context']
    }
    if (options.token !== undefined) {
      request.fhirAuthorization = {
        access_token: options.token,
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'patient/Patient.read patient/Condition.read patient/Observation.read patient/MedicationRequest.read',
        subject: 'cat-cds-cli',
        patient: options.patient
      }
    }
    if (options.prefetch) {
      request.prefetch = await prefetch(options, service, request, io)
    } else {
      io.stderr(`cat-cds: no prefetch; the service fetches from ${options.fhirServer} itself (its CDS_FHIR_ALLOWLIST must list ${new URL(options.fhirServer).origin})\n`)
    }

    io.stderr(`cat-cds: calling ${url}\n`)
    const started = performance.now()
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...await authorization(signer, url) }
    const res = await call(url, { method: 'POST', headers, body: JSON.stringify(request) }, 'CDS service')
    const body = await res.json().catch(() => undefined) as { cards?: unknown[], message?: string } | undefined
    io.stderr(`cat-cds: HTTP ${res.status} in ${Math.round(performance.now() - started)} ms\n`)
    if (res.status === 401) throw new InvokeError(refusalHint(url, res, options))
    if (res.status === 412) {
      const hint = /not allow-listed/.test(body?.message ?? '')
        ? `\nThe service may not call ${options.fhirServer}: add ${new URL(options.fhirServer).origin} to its CDS_FHIR_ALLOWLIST, or drop --no-prefetch.`
        : ''
      throw new InvokeError(`the service could not obtain the FHIR data it needs (412): ${body?.message ?? 'no details'}${hint}`)
    }
    if (!res.ok) throw new InvokeError(`the service answered HTTP ${res.status}: ${body?.message ?? 'no details'}`)
    if (!Array.isArray(body?.cards)) throw new InvokeError(`${url} did not answer with a CDS Hooks response ({"cards": [...]}): is --service-url a CAT-CDS service?`)
    if (options.json) io.stdout(`${JSON.stringify(body, null, 2)}\n`)
    else io.stdout(renderCards(body.cards, io.colour))
    return 0
  } catch (err) {
    if (!(err instanceof InvokeError)) throw err
    io.stderr(`cat-cds invoke: ${err.message}\n`)
    return err.exitCode
  }
}
