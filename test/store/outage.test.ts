// A store that is down at boot never ends the process: it stays alive (live 200), not ready (ready
// 503), answers hooks and feedback with the contract's 503, retries with a capped backoff logging one
// line per attempt without a stack, and becomes ready when the store comes back, with no restart.
// "Down" is a closed port on 127.0.0.1; "back" is a loopback TCP relay to the run's PostgreSQL
// started on that same port.
import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { runCli, startServerProcess } from '../helpers/process.js'
import { sandboxOrderSelect } from '../helpers/requests.js'
import { freeLoopbackPort, until } from '../helpers/ports.js'
import { newStoreLocation, type StoreLocation } from '../helpers/stores.js'

/** Forwards 127.0.0.1:port to the real server, as if PostgreSQL had just come up there. */
async function relay (port: number, target: URL): Promise<Server & { sockets: Set<Socket> }> {
  const sockets = new Set<Socket>()
  const server = Object.assign(createServer((inbound) => {
    const outbound = connect(Number(target.port || 5432), target.hostname)
    for (const s of [inbound, outbound]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => s.destroy()) }
    inbound.pipe(outbound).pipe(inbound)
  }), { sockets })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}

describe('audit store down at boot (PostgreSQL)', () => {
  let location: StoreLocation
  let port: number
  let url: string
  let t: TestApp

  beforeAll(async () => {
    location = await newStoreLocation('postgres')
    port = await freeLoopbackPort()
    const real = new URL(location.url)
    url = `postgres://${real.username}${real.password !== '' ? `:${real.password}` : ''}@127.0.0.1:${port}${real.pathname}`
    t = await buildTestApp({ CDS_STORE_URL: url }, { storeRetryDelays: { initialMs: 40, maxMs: 160 } })
  })
  afterAll(async () => {
    await t.app.close()
    await location.remove()
  })

  it('boots alive and not ready; hooks and feedback get the contract\'s 503; retries log one line each, without a stack', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toMatchObject({ status: 'unavailable', checks: { store: 'failing' } })

    const hook = await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-select', payload: sandboxOrderSelect() })
    expect(hook.statusCode).toBe(503)
    expect(hook.json()).toMatchObject({ error: 'audit_unavailable' })
    expect(hook.headers['retry-after']).toBe('1')
    const feedback = await t.app.inject({
      method: 'POST',
      url: '/cds-services/cat-order-select/feedback',
      payload: { feedback: [{ card: 'c0ffee00-0000-4000-8000-000000000001', outcome: 'overridden', outcomeTimestamp: '2026-11-01T10:00:00Z' }] }
    })
    expect(feedback.statusCode).toBe(503)
    expect(feedback.json()).toMatchObject({ error: 'store_unavailable' })

    await until('three attempts', async () => attempts().length >= 4)
    const lines = attempts()
    expect(lines.map((l) => l.attempt)).toEqual(lines.map((_, i) => i + 1))
    // Doubling from 40 ms, capped at 160 ms.
    expect(lines.slice(0, 4).map((l) => l.retryInMs)).toEqual([40, 80, 160, 160])
    for (const line of lines) {
      expect(line.errCode).toBe('ECONNREFUSED')
      expect(line.store).toBe(url) // no password in this URL; redactStoreUrl hides one when there is
      expect(JSON.stringify(line)).not.toMatch(/\n\s+at /)
      expect(line).not.toHaveProperty('stack')
    }
    // The refused hook's own log line carries no stack either: the condition is expected.
    const refused = t.logs.records.filter((r) => r.msg === 'audit record could not be stored; answering 503 instead of the cards')
    expect(refused).toHaveLength(1)
    expect(refused[0]).not.toHaveProperty('stack')
  })

  it('becomes ready when the store comes back, with no restart, and then answers with cards', async () => {
    const server = await relay(port, new URL(location.url))
    try {
      await until('ready', async () => (await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 200)
      expect(t.logs.records.filter((r) => r.msg === 'audit store open')).toEqual([expect.objectContaining({ dialect: 'postgres' })])
      const hook = await t.app.inject({ method: 'POST', url: '/cds-services/cat-order-select', payload: sandboxOrderSelect() })
      expect(hook.statusCode).toBe(200)
      expect(hook.json()).toHaveProperty('cards')
    } finally {
      await t.app.close()
      for (const s of server.sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  function attempts (): Array<Record<string, unknown>> {
    return t.logs.records.filter((r) => r.msg === 'audit store unavailable: not ready; retrying')
  }
})

describe('cat-cds with the store down', () => {
  let port: number
  beforeAll(async () => { port = await freeLoopbackPort() })

  it('serve stays up, live and not ready, logging JSON lines without a stack', async () => {
    const server = await startServerProcess({ CDS_STORE_URL: `postgres://cat:secret-pw@127.0.0.1:${port}/audit` })
    try {
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200)
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(503)
      await until('a retry line', async () => server.stdout.some((l) => l.includes('audit store unavailable')))
      const lines = server.stdout.filter((l) => l.includes('audit store unavailable'))
      for (const l of lines) {
        const record = JSON.parse(l) as Record<string, unknown>
        expect(record).toMatchObject({ level: 40, store: `postgres://cat:***@127.0.0.1:${port}/audit`, errCode: 'ECONNREFUSED' })
      }
      expect(server.stdout.join('') + server.stderr.join('')).not.toContain('secret-pw')
      expect(server.stderr.join('')).not.toMatch(/\n\s+at /)
      expect(server.child.exitCode).toBeNull()
    } finally {
      server.child.kill('SIGTERM')
      expect((await server.exited).code).toBe(0)
    }
  })

  it('a command that needs the store exits non-zero with a one-line error', async () => {
    const r = await runCli(['audit', 'export', '--format', 'ndjson'], { CDS_STORE_URL: `postgres://cat@127.0.0.1:${port}/audit` })
    expect(r.code).not.toBe(0)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^cat-cds audit: .*ECONNREFUSED.*\(store postgres:\/\/cat@127\.0\.0\.1:\d+\/audit\)/)
  })
})
