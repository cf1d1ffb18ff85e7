// No Docker engine runs here, so the image and compose files are checked statically: the properties
// an operator relies on, and that every path they copy or mount exists in the repository.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { randomBytes } from 'node:crypto'
import { loadTrustedClients } from '../src/auth/trusted-clients.js'
import { loadConfig } from '../src/config.js'

const root = join(import.meta.dirname, '..')
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
const lines = dockerfile.split('\n').filter((l) => !l.trimStart().startsWith('#'))

describe('Dockerfile', () => {
  it('is multi-stage, runs as a non-root user in production mode, with a health check', () => {
    expect(lines.filter((l) => /^FROM /.test(l))).toHaveLength(2)
    expect(lines.some((l) => /^USER node$/.test(l))).toBe(true)
    expect(dockerfile).toMatch(/NODE_ENV=production/)
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/)
    // Signals must reach node itself (npm would swallow SIGTERM).
    const cmd = lines.find((l) => l.startsWith('CMD '))
    expect(cmd).toMatch(/^CMD \["node"/)
    expect(lines.findIndex((l) => l.startsWith('USER '))).toBeLessThan(lines.findIndex((l) => l.startsWith('CMD ')))
  })

  it('builds offline: no `# syntax` line, which would make BuildKit fetch a frontend from Docker Hub', () => {
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/m)
  })

  it('builds and runs on Node.js 24, the LTS line', () => {
    const bases = lines.filter((l) => /^FROM /.test(l)).map((l) => l.split(/\s+/)[1])
    expect(bases).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim'])
  })

  it('leaves the application owned by root and read-only; only /data is writable by node', () => {
    const runtime = lines.slice(lines.findLastIndex((l) => /^FROM /.test(l)))
    expect(runtime.filter((l) => l.includes('--chown'))).toEqual([])
    expect(runtime.join('\n')).toMatch(/chmod -R a-w \/app/)
    expect(runtime.filter((l) => /chown/.test(l)).join('\n')).toMatch(/chown node:node \/data$/)
  })

  it('ships no build leftovers: better-sqlite3 keeps only its compiled addon', () => {
    const build = lines.slice(0, lines.findLastIndex((l) => /^FROM /.test(l))).join('\n')
    expect(build).toMatch(/npm prune --omit=dev/)
    expect(build).toMatch(/rm -rf build deps src binding\.gyp/)
    expect(build).toMatch(/mv better_sqlite3\.node build\/Release\//)
  })

  it('documents a run command that boots in production as written, with a stop timeout above the shutdown grace', async () => {
    const comment = dockerfile.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#\s?/, '')).join('\n')
    const run = /docker run ([\s\S]*?) cat-cds\n/.exec(comment.replaceAll('\\\n', ' '))?.[1] ?? ''
    expect(run).not.toBe('')
    const env: Record<string, string> = {}
    for (const m of dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z_]+)=(\S+?)\s*\\?$/gm)) env[m[1] ?? ''] = m[2] ?? ''
    for (const m of run.matchAll(/-e ([A-Z_]+)=("[^"]*"|\S+)/g)) env[m[1] ?? ''] = (m[2] ?? '').replace(/^"\$\(openssl rand -hex 32\)"$/, randomBytes(32).toString('hex'))
    const mount = /-v "\$PWD\/([^:]+):([^:]+):ro"/.exec(run)
    expect(mount?.[2]).toBe(env.CDS_TRUSTED_CLIENTS)
    const config = loadConfig(env)
    expect(config.env).toBe('production')
    await expect(loadTrustedClients(join(root, mount?.[1] ?? ''), { production: true })).resolves.not.toHaveLength(0)
    const stopTimeout = Number(/--stop-timeout (\d+)/.exec(run)?.[1])
    expect(stopTimeout * 1000).toBeGreaterThan(config.shutdownGraceMs)
    expect(run).toMatch(/-p 127\.0\.0\.1:3000:3000/)
  })

  it('copies only paths that exist', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      const parts = l.replace(/--chown=\S+\s*/, '').split(/\s+/).slice(1, -1)
      for (const p of parts) expect(existsSync(join(root, p)), `${p} in: ${l}`).toBe(true)
    }
  })

  it('copies nothing that .dockerignore keeps out of the build context', () => {
    const patterns = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    const excluded = (path: string): boolean => {
      const hit = patterns.filter((p) => !p.startsWith('!')).some((p) => {
        const base = p.replace(/\/\*$/, '')
        return path === p || path === base || path.startsWith(`${base}/`)
      })
      return hit && !patterns.some((p) => p === `!${path}`)
    }
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      for (const p of l.replace(/--chown=\S+\s*/, '').split(/\s+/).slice(1, -1)) expect(excluded(p), `${p} is excluded by .dockerignore`).toBe(false)
    }
  })

  it('keeps secrets and build leftovers out of the build context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n')
    for (const entry of ['node_modules', 'dist', '.git', 'data']) expect(ignore).toContain(entry)
  })
})

describe('docker/compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker/compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { build?: { context: string, dockerfile: string }, environment?: Record<string, string>, volumes?: string[], ports?: string[] }>
  }

  it('builds this repository’s Dockerfile and publishes the service port', () => {
    const svc = compose.services['cat-cds']
    expect(svc?.build?.context).toBe('..')
    expect(existsSync(join(root, 'docker', svc?.build?.context ?? '', svc?.build?.dockerfile ?? ''))).toBe(true)
    // Plain HTTP, /metrics included: published on this machine only unless the operator decides otherwise.
    expect(svc?.ports).toEqual(['127.0.0.1:3000:3000'])
  })

  it('runs in production mode with JWT authentication and the PostgreSQL store', () => {
    const env = compose.services['cat-cds']?.environment ?? {}
    expect(env.NODE_ENV).toBe('production')
    expect(env.CDS_AUTH).toBe('jwt')
    expect(env.CDS_STORE_URL).toMatch(/^postgres:\/\/cat_cds:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/cat_cds$/)
    // Production refuses to boot without it; compose stops with this message rather than a crash loop.
    expect(env.CDS_AUDIT_HMAC_KEY).toMatch(/^\$\{CDS_AUDIT_HMAC_KEY:\?/)
  })

  it('mounts files that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const v of service.volumes ?? []) {
        const source = v.split(':')[0] ?? ''
        if (source.startsWith('./')) expect(existsSync(join(root, 'docker', source)), `${name}: ${v}`).toBe(true)
      }
    }
  })
})
