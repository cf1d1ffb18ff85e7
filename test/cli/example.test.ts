// `cat-cds example`: the README's curl example must work on any day and answer with the card the
// README shows.
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXAMPLES_DIR, ExampleError, exampleNames, exampleRequest } from '../../src/cli/example.js'
import { parseHookRequest } from '../../src/cds/request.js'
import { CardsResponse, type Card } from '../../src/cds/response.js'
import { loadServiceDefinitions } from '../../src/cds/services.js'
import { shiftDates } from '../../src/sandbox/patients.js'
import { buildTestApp } from '../helpers/app.js'
import { runCli, startServerProcess } from '../helpers/process.js'

const README_EXAMPLE = 'order-select-gastric-cancer'

function rawExample (name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>
}

/** Dates in the labels depend on the day the example runs (the README says so). */
const undated = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD'))

/** The response block the README shows after `<!-- example-response: name -->`. */
function readmeResponse (name: string): unknown {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const marker = `<!-- example-response: ${name} -->`
  const at = readme.indexOf(marker)
  if (at < 0) throw new Error(`README has no ${marker}`)
  const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(at))
  if (block?.[1] === undefined) throw new Error(`no json block after ${marker}`)
  return undated(JSON.parse(block[1]))
}

/** What the README's jq filter keeps of each card. */
function readmeView (body: unknown): unknown {
  const cards = CardsResponse.parse(body).cards
  return undated(cards.map((c: Card) => ({ rule: c.source.topic?.code, indicator: c.indicator, summary: c.summary, suggestions: (c.suggestions ?? []).map((s) => s.label) })))
}

describe('cat-cds example', () => {
  it('moves every date from the fixture anchor to today and gives each call a fresh hookInstance', () => {
    const now = new Date('2026-12-01T10:00:00Z') // 30 days after the anchor
    const raw = rawExample(README_EXAMPLE)
    const out = exampleRequest(README_EXAMPLE, now)
    expect(out.hookInstance).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(out.hookInstance).not.toBe(raw.hookInstance)
    expect(exampleRequest(README_EXAMPLE, now).hookInstance).not.toBe(out.hookInstance)
    expect({ ...out, hookInstance: raw.hookInstance }).toEqual(shiftDates(raw, 30))
    expect(JSON.stringify(out)).toContain('"onsetDateTime":"2026-11-27"') // the PE, 4 days before today
  })

  it('refuses unknown and path-like names, naming the examples that exist', () => {
    expect(() => exampleRequest('no-such-example')).toThrow(ExampleError)
    expect(() => exampleRequest('no-such-example')).toThrow(new RegExp(README_EXAMPLE))
    expect(() => exampleRequest('../package')).toThrow(ExampleError)
  })

  it('ships only requests that validate for the service of their hook', () => {
    const services = loadServiceDefinitions()
    expect(exampleNames()).toContain(README_EXAMPLE)
    for (const name of exampleNames()) {
      const request = exampleRequest(name)
      const service = services.find((s) => s.hook === request.hook)
      expect(service, name).toBeDefined()
      if (service === undefined) continue
      expect(parseHookRequest(request, service.hook).ok, name).toBe(true)
      expect(Object.keys(request.prefetch as object).sort(), name).toEqual(Object.keys(service.prefetch).sort())
    }
  })

  it('answers the README example with the card the README shows', async () => {
    const { app } = await buildTestApp({ CDS_AUTH: 'off', LOG_LEVEL: 'silent' })
    try {
      const res = await app.inject({ method: 'POST', url: '/cds-services/cat-order-select', payload: exampleRequest(README_EXAMPLE) })
      expect(res.statusCode).toBe(200)
      expect(readmeView(res.json())).toEqual(readmeResponse(README_EXAMPLE))
    } finally {
      await app.close()
    }
  })

  it('works as the README runs it: the command\'s output sent to `cat-cds serve`', async () => {
    const printed = await runCli(['example', README_EXAMPLE])
    expect(printed.code, printed.stderr).toBe(0)
    const server = await startServerProcess({ CDS_AUTH: 'off', CDS_STORE_URL: `sqlite:${join(tmpdir(), `cat-cds-example-${process.pid}.db`)}` })
    try {
      const res = await fetch(`${server.url}/cds-services/cat-order-select`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: printed.stdout })
      expect(res.status).toBe(200)
      expect(readmeView(await res.json())).toEqual(readmeResponse(README_EXAMPLE))
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
    }
  })

  it('lists the examples without a name and rejects extra arguments', async () => {
    const list = await runCli(['example'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(README_EXAMPLE)
    const extra = await runCli(['example', README_EXAMPLE, 'more'])
    expect(extra.code).toBe(2)
    expect(extra.stderr).toMatch(/example takes one name/)
  })
})
