// Child processes for the benchmark: servers pinned to CPU 0 (when taskset exists) so the load
// generator in this process can have CPU 1 to itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p))

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => { resolve(typeof addr === 'object' && addr !== null ? addr.port : 0) })
    })
  })
}

export interface Child {
  url: string
  process: ChildProcess
  stop: () => Promise<void>
}

async function waitReady (url: string, child: ChildProcess, readyPath: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`)
    try {
      const res = await fetch(`${url}${readyPath}`)
      if (res.ok) return
    } catch { /* not up yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url}: not ready after ${timeoutMs} ms`)
}

/** Starts `node <args>` pinned to `cpu`, waits until `readyPath` answers 2xx. */
export async function startNode (args: string[], env: Record<string, string>, port: number, cpu = '0', readyPath = '/health/live'): Promise<Child> {
  const cmd = TASKSET !== undefined ? TASKSET : process.execPath
  const argv = TASKSET !== undefined ? ['-c', cpu, process.execPath, ...args] : args
  const child = spawn(cmd, argv, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  await waitReady(url, child, readyPath)
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }
}

/** Pins this (the load generator's) process to `cpu` when possible. */
export function pinSelf (cpu = '1'): boolean {
  if (TASKSET === undefined) return false
  return spawnSync(TASKSET, ['-p', '-c', cpu, String(process.pid)]).status === 0
}
