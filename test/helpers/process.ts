// Runs the real `cat-cds serve` in a child process, as an operator would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams
  url: string
  stdout: string[]
  stderr: string[]
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

export async function startServerProcess (env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/cat-cds.js', 'serve'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', CDS_STORE_URL: 'sqlite::memory:', ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const stdout: string[] = []
  const stderr: string[] = []
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  let buffer = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${stderr.join('')}`)), timeoutMs)
    child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        stdout.push(line)
        try {
          const rec = JSON.parse(line) as { msg?: string, url?: string }
          if (rec.msg === 'CAT-CDS listening' && rec.url !== undefined) { clearTimeout(timer); resolve(rec.url) }
        } catch { /* not JSON */ }
      }
    })
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${stderr.join('')}`)) }, reject)
  })
  return { child, url, stdout, stderr, exited }
}

export async function runCli (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, ['bin/cat-cds.js', ...args], { env: { PATH: process.env.PATH ?? '', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stdout, stderr }
}
