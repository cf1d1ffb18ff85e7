// JSON request bodies (application/json and application/fhir+json). Before the body is parsed, one
// linear scan refuses nesting deeper than any FHIR resource needs and overlong strings: a 10 000-deep
// body is only 20 KB, parses fine, and then overflows the stack of the first recursive walk. Parsing
// itself is Fastify's secure-json-parse, which refuses `__proto__` and `constructor.prototype` keys.
import type { FastifyInstance } from 'fastify'
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

/** Returns what is wrong with the body's shape, or undefined; the JSON parser judges the syntax. */
export function jsonShapeProblem (text: string, maxDepth = MAX_JSON_DEPTH, maxString = MAX_JSON_STRING): HttpError | undefined {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const start = i
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === BACKSLASH) i++
        else if (d === QUOTE) break
      }
      if (i - start - 1 > maxString) return new HttpError(400, 'json_string_too_long', `A JSON string is longer than ${maxString} characters`)
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return new HttpError(400, 'json_too_deep', `JSON nesting is deeper than ${maxDepth} levels`)
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
    }
  }
  return undefined
}

export function registerJsonBodies (app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser(['application/json', 'application/fhir+json'], { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    const problem = jsonShapeProblem(text)
    if (problem !== undefined) {
      done(problem, undefined)
      return
    }
    parse(request, text, done)
  })
}
