// Prefetch templates (CDS Hooks 2.0 §Prefetch template) turned into URLs on the client's FHIR
// server. Substituted values are URL-encoded; a template with a token the request cannot fill is
// not fetched at all.
import type { HookRequest } from '../cds/request.js'

const TOKEN = /\{\{\s*([^}]*?)\s*\}\}/g

/** `userId` prefixes that the user tokens stand for. */
const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner/',
  userPractitionerRoleId: 'PractitionerRole/',
  userPatientId: 'Patient/',
  userRelatedPersonId: 'RelatedPerson/'
}

function tokenValue (token: string, request: HookRequest): string | undefined {
  if (token.startsWith('context.')) {
    const value = (request.context as unknown as Record<string, unknown>)[token.slice('context.'.length)]
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined
  }
  const prefix = USER_TOKENS[token]
  const userId = request.context.userId
  return prefix !== undefined && userId?.startsWith(prefix) === true ? userId.slice(prefix.length) : undefined
}

/**
 * Characters a URL path or query may carry as they are (RFC 3986 unreserved, sub-delims, `:@/?`,
 * and `%` starting an escape); everything else in a template is percent-encoded, so that
 * `code=http://loinc.org|2160-0` goes out as `code=http://loinc.org%7C2160-0`.
 */
const NEEDS_ENCODING = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/gu

/** The relative URL `template` stands for in `request`, or undefined when a token cannot be filled. */
export function renderTemplate (template: string, request: HookRequest): string | undefined {
  let unfilled = false
  const rendered = template.replace(TOKEN, (_match, token: string) => {
    const value = tokenValue(token, request)
    // `.` and `..` would be read as path segments however they are encoded.
    if (value === undefined || value === '' || value === '.' || value === '..') {
      unfilled = true
      return ''
    }
    return encodeURIComponent(value)
  })
  return unfilled ? undefined : rendered.replace(NEEDS_ENCODING, (c) => encodeURIComponent(c))
}

/**
 * `relative` appended to the FHIR base URL exactly as the client wrote it (the egress policy
 * checks the written form, so it is not normalised here).
 */
export function onFhirServer (fhirServer: string, relative: string): string {
  return `${fhirServer.replace(/[?#].*$/s, '').replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`
}

/** The resource type a rendered template returns: the type for a read, `Bundle` for a search. */
export function expectedResourceType (relative: string): string | undefined {
  const [path = '', query] = relative.split('?', 2)
  const segments = path.split('/')
  if (query === undefined && segments.length === 2) return segments[0]
  if (segments.length === 1 || (segments.length === 2 && segments[1] === '_search')) return 'Bundle'
  return undefined
}
