// A real Redis for the fleet tests: Debian's redis-server (npm cannot bring one), started by the test
// on a free loopback port with nothing kept on disk, and stopped or restarted on that same port to
// play an outage. .ci/run installs redis-server when it is absent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createConnection } from 'node:net'
import { freeLoopbackPort } from './ports.js'

export interface TestRedis {
  readonly url: string
  readonly port: number
  stop: () => Promise<void>
  start: () => Promise<void>
}

export function redisServerPath (): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  const path = found.stdout.trim()
  if (found.status !== 0 || path === '') throw new Error('redis-server is not installed: `apt-get install redis-server` (.ci/run does so)')
  return path
}

async function answers (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    socket.once('connect', () => { socket.write('PING\r\n') })
    socket.once('data', (d) => { socket.destroy(); resolve(d.toString().startsWith('+PONG')) })
    socket.once('error', () => { resolve(false) })
  })
}

export async function startRedis (): Promise<TestRedis> {
  const bin = redisServerPath()
  const port = await freeLoopbackPort()
  let child: ChildProcess | undefined
  const start = async (): Promise<void> => {
    child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' })
    const end = Date.now() + 10_000
    while (!(await answers(port))) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`redis-server did not start on 127.0.0.1:${port}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  const stop = async (): Promise<void> => {
    if (child === undefined || child.exitCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, port, start, stop }
}
