// Graceful shutdown as an orchestrator drives it: SIGTERM arrives while many requests are in flight.
// The server stops accepting, answers every request it had already accepted, closes what was
// registered to close after them (the store), and exits 0 — or 1 once the grace period runs out.
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { drainAndClose } from '../src/server.js'
import { buildTestApp } from './helpers/app.js'
import { startServerProcess, type ServerProcess } from './helpers/process.js'
import { sandboxOrderSelect } from './helpers/requests.js'

interface HeldRequest {
  socket: Socket
  body: string
  keepAlive: boolean
  /** Everything the server sent after "100 Continue", once it closed the connection. */
  response: Promise<string>
}

/**
 * Opens a connection and sends a hook call's headers with `Expect: 100-continue`; once the server
 * answers "100 Continue" it has accepted the request and handed it to the app, and the client sends
 * the first part of the body, holding the rest back. A keep-alive client never closes the
 * connection itself: the server has to.
 */
async function holdRequest (port: number, keepAlive = false): Promise<HeldRequest> {
  const body = JSON.stringify(sandboxOrderSelect())
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  let received = ''
  const continued = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      received += d.toString()
      if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        received = received.slice('HTTP/1.1 100 Continue\r\n\r\n'.length)
        resolve()
      }
    })
  })
  const response = new Promise<string>((resolve) => socket.once('close', () => resolve(received)))
  socket.write(`POST /cds-services/cat-order-select HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`)
  await continued
  socket.write(body.slice(0, 64))
  return { socket, body, keepAlive, response }
}

/** Resolves when a log line with this message appears (bounded). */
async function logLine (server: ServerProcess, msg: string): Promise<void> {
  for (let i = 0; i < 100 && !server.stdout.some((l) => l.includes(`"msg":"${msg}"`)); i++) await sleep(50)
  expect(server.stdout.some((l) => l.includes(`"msg":"${msg}"`)), msg).toBe(true)
}

/** True once a new connection to the port is refused (bounded number of attempts). */
async function refusesConnections (port: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const probe = connect(port, '127.0.0.1')
      probe.once('connect', () => { probe.destroy(); resolve(false) })
      probe.once('error', () => resolve(true))
    })
    if (refused) return true
    await sleep(50)
  }
  return false
}

describe('SIGTERM during a burst of in-flight requests', () => {
  it('answers every accepted request with 200, refuses new connections, and exits 0', async () => {
    const server = await startServerProcess({ CDS_SHUTDOWN_GRACE_MS: '15000' })
    try {
      const port = Number(new URL(server.url).port)
      // Half of them on keep-alive connections, as EHRs use.
      const held = await Promise.all(Array.from({ length: 40 }, async (_, i) => await holdRequest(port, i % 2 === 0)))
      server.child.kill('SIGTERM')
      await logLine(server, 'shutting down: finishing in-flight requests')
      expect(await refusesConnections(port)).toBe(true)

      // The clients finish their uploads, one after another, while the server is draining.
      for (const h of held) {
        if (h.keepAlive) h.socket.write(h.body.slice(64))
        else h.socket.end(h.body.slice(64))
        await sleep(5)
      }
      const responses = await Promise.all(held.map(async (h) => await h.response))
      expect(responses.map((r) => r.split('\r\n')[0])).toEqual(held.map(() => 'HTTP/1.1 200 OK'))
      for (const r of responses) expect(r.endsWith('{"cards":[]}')).toBe(true)
      // Keep-alive connections are told that this response is their last.
      for (const [i, r] of responses.entries()) if (held[i]?.keepAlive === true) expect(r).toMatch(/\r\nconnection: close\r\n/i)

      expect(await server.exited).toEqual({ code: 0, signal: null })
      const requestLines = server.stdout.filter((l) => l.includes('"msg":"request"') && l.includes('"route":"/cds-services/:id"'))
      expect(requestLines).toHaveLength(40)
      expect(server.stdout.some((l) => l.includes('"msg":"shutdown complete"'))).toBe(true)
    } finally {
      server.child.kill('SIGKILL')
    }
  })

  it('exits 1 when a request is still in flight at the end of the grace period', async () => {
    const server = await startServerProcess({ CDS_SHUTDOWN_GRACE_MS: '500' })
    try {
      const stuck = await holdRequest(Number(new URL(server.url).port))
      server.child.kill('SIGTERM')
      expect((await server.exited).code).toBe(1)
      expect(server.stdout.some((l) => l.includes('killed by timeout (500ms)'))).toBe(true)
      stuck.socket.destroy()
    } finally {
      server.child.kill('SIGKILL')
    }
  })
})

describe('drainAndClose', () => {
  it('closes the registered closers in order once the in-flight request is done, and reports a failing one', async () => {
    const events: string[] = []
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const { app } = await buildTestApp({}, {
      gatherer: {
        gather: async () => {
          events.push('request started')
          await gate
          return {}
        }
      }
    })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const response = fetch(`${url}/cds-services/cat-order-select`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sandboxOrderSelect())
    }).then(async (r) => ({ status: r.status, body: await r.json() }))
    while (!events.includes('request started')) await sleep(10)

    const closing = drainAndClose(app, [
      { name: 'store', close: async () => { events.push('store closed') } },
      { name: 'broken', close: async () => { throw new Error('flush failed') } },
      { name: 'tracing', close: async () => { events.push('tracing closed') } }
    ])
    // Nothing is closed while the request is still being worked on.
    await sleep(200)
    expect(events).toEqual(['request started'])
    events.push('request released')
    release()

    await expect(closing).rejects.toThrow('closing failed: broken')
    expect(await response).toEqual({ status: 200, body: { cards: [] } })
    expect(events).toEqual(['request started', 'request released', 'store closed', 'tracing closed'])
  })
})
