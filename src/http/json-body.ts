// JSON request bodies (application/json and application/fhir+json). Before the body is parsed, one
// linear scan refuses nesting deeper than any FHIR resource needs and overlong strings: a 10 000-deep
// body is only 20 KB, parses fine, and then overflows the stack of the first recursive walk. Parsing
// itself is secure-json-parse, as in Fastify's default parser, which refuses `__proto__` and
// `constructor.prototype` keys; the 400 says which of the two problems it was.
import type { FastifyInstance } from 'fastify'
import secureJson from 'secure-json-parse'
import { HttpError } from './errors.js'

/** Deepest nesting of objects and arrays accepted (a prefetch Bundle with contained resources stays under 20). */
export const MAX_JSON_DEPTH = 64
/** Longest JSON string accepted, in UTF-16 code units of its source text (attachments are not expected). */
export const MAX_JSON_STRING = 256 * 1024

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

/** The index of the quote that closes the string opened at `open`, or -1 when it is never closed. */
function closingQuote (text: string, open: number): number {
  // indexOf is native and far faster than a character loop over the string's content (most of a FHIR
  // body); a quote preceded by an odd number of backslashes is escaped and does not close it.
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let slashes = 0
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++
    if (slashes % 2 === 0) return q
  }
  return -1
}

/** Returns what is wrong with the body's shape, or undefined; the JSON parser judges the syntax. */
export function jsonShapeProblem (text: string, maxDepth = MAX_JSON_DEPTH, maxString = MAX_JSON_STRING): HttpError | undefined {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const close = closingQuote(text, i)
      // An unterminated string is the parser's to refuse.
      const end = close === -1 ? text.length : close
      if (end - i - 1 > maxString) return new HttpError(400, 'json_string_too_long', `A JSON string is longer than ${maxString} characters`)
      i = end
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return new HttpError(400, 'json_too_deep', `JSON nesting is deeper than ${maxDepth} levels`)
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
    }
  }
  return undefined
}

const NOT_JSON = 'Request body is not valid JSON'
const FORBIDDEN_KEY = '(body): contains a "__proto__" or "constructor.prototype" key, which is refused'

/** Parses as Fastify's default parser does (secure-json-parse), but says which of the two refusals it was. */
export function parseJsonBody (text: string): unknown {
  try {
    return secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' })
  } catch (err) {
    // Neither message is passed on: JSON.parse's quotes part of the body.
    const forbidden = err instanceof SyntaxError && err.message.includes('forbidden prototype property')
    throw new HttpError(400, 'invalid_json', forbidden ? FORBIDDEN_KEY : NOT_JSON)
  }
}

export function registerJsonBodies (app: FastifyInstance, bodyLimit: number): void {
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser(['application/json', 'application/fhir+json'], { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    const problem = jsonShapeProblem(text)
    if (problem !== undefined) {
      done(problem, undefined)
      return
    }
    let parsed: unknown
    try {
      parsed = parseJsonBody(text)
    } catch (err) {
      done(err as HttpError, undefined)
      return
    }
    done(null, parsed)
  })
}
