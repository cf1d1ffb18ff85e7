// The server as an operator runs it: boot-time validation, serving, and graceful shutdown.
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { runCli, startServerProcess } from './helpers/process.js'
import { sandboxOrderSelect } from './helpers/requests.js'

describe('cat-cds serve', () => {
  it('refuses to boot on a bad variable, naming it', async () => {
    const r = await runCli(['serve'], { PORT: 'abc', CDS_GUIDELINE_PROFILE: 'nope' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/PORT: must be a whole number/)
    expect(r.stderr).toMatch(/CDS_GUIDELINE_PROFILE/)
  })

  it('refuses CDS_AUTH=off in production', async () => {
    const r = await runCli(['serve'], { NODE_ENV: 'production', CDS_AUTH: 'off', CDS_PUBLIC_URL: 'https://cds.example.org' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/CDS_AUTH: "off" is refused when NODE_ENV=production/)
  })

  it('rejects unknown commands with usage', async () => {
    const r = await runCli(['frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown command "frobnicate"/)
    expect(r.stderr).toMatch(/Usage: cat-cds/)
  })

  it('serves discovery and, on SIGTERM, finishes the in-flight request before exiting 0', async () => {
    const server = await startServerProcess()
    try {
      const discovery = await fetch(`${server.url}/cds-services`)
      expect(discovery.status).toBe(200)
      expect(((await discovery.json()) as { services: unknown[] }).services).toHaveLength(3)

      // Start a request, send half its body, signal the server, then send the rest.
      const body = JSON.stringify(sandboxOrderSelect())
      const { port } = new URL(server.url)
      const socket = connect(Number(port), '127.0.0.1')
      await new Promise<void>((resolve) => socket.once('connect', resolve))
      let response = ''
      socket.on('data', (d) => { response += d.toString() })
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      socket.write(`POST /cds-services/cat-order-select HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`)
      socket.write(body.slice(0, 100))
      await new Promise((resolve) => setTimeout(resolve, 150))
      server.child.kill('SIGTERM')
      await new Promise((resolve) => setTimeout(resolve, 300))
      socket.end(body.slice(100))
      await closed
      expect(response).toMatch(/^HTTP\/1\.1 200 OK/)
      expect(response).toContain('{"cards":[]}')

      const { code } = await server.exited
      expect(code).toBe(0)
      expect(server.stdout.some((l) => l.includes('shutdown complete'))).toBe(true)
    } finally {
      server.child.kill('SIGKILL')
    }
  })
})
