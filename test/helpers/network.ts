// Keeps a test's network traffic on this machine: connections to anything but loopback are refused
// before they dial (no DNS query either) and recorded, so a test can assert that none was attempted.
import dns from 'node:dns'
import { syncBuiltinESMExports } from 'node:module'
import net from 'node:net'

export interface NetworkSpy {
  /** `connect <host>` / `lookup <host>` for every refused attempt. */
  readonly blocked: string[]
  restore (): void
}

function isLoopback (host: string): boolean {
  return net.isIP(host) === 0 ? host === 'localhost' : /^(127\.|::1$|::ffff:127\.)/.test(host)
}

export function installNetworkSpy (): NetworkSpy {
  const blocked: string[] = []
  const connect = net.Socket.prototype.connect
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string, path?: string } | number | string
    const host = typeof first === 'object' ? (first.path !== undefined ? 'localhost' : first.host ?? 'localhost') : typeof args[1] === 'string' ? args[1] : 'localhost'
    if (!isLoopback(host)) {
      blocked.push(`connect ${host}`)
      process.nextTick(() => this.destroy(Object.assign(new Error('blocked by test: not loopback'), { code: 'ECONNREFUSED' })))
      return this
    }
    return Reflect.apply(connect, this, args) as net.Socket
  } as typeof connect

  const lookup = dns.lookup
  const promisesLookup = dns.promises.lookup
  const refuse = (hostname: string): NodeJS.ErrnoException => {
    blocked.push(`lookup ${hostname}`)
    return Object.assign(new Error(`blocked by test: lookup ${hostname}`), { code: 'ENOTFOUND' })
  }
  dns.lookup = function (hostname: string, ...rest: unknown[]) {
    if (hostname === 'localhost') return Reflect.apply(lookup, dns, [hostname, ...rest])
    const callback = rest[rest.length - 1] as (err: Error) => void
    process.nextTick(() => callback(refuse(hostname)))
  } as typeof dns.lookup
  dns.promises.lookup = (async (hostname: string, ...rest: unknown[]) => {
    if (hostname === 'localhost') return await Reflect.apply(promisesLookup, dns.promises, [hostname, ...rest])
    throw refuse(hostname)
  }) as typeof dns.promises.lookup
  syncBuiltinESMExports()

  return {
    blocked,
    restore: () => {
      net.Socket.prototype.connect = connect
      dns.lookup = lookup
      dns.promises.lookup = promisesLookup
      syncBuiltinESMExports()
    }
  }
}
