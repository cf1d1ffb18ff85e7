// The layering of src/, checked on every import (docs/design.md#layers): a lower layer never imports a
// higher one, the clinical core does no I/O, src/fhir/ holds no network code, and only the routes
// (and the app that assembles them) reach data gathering and the audit record.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')

/** Each top-level module of src/ by rank: a module may import only from ranks at or below its own. */
const LAYERS: ReadonlyArray<readonly [number, readonly string[]]> = [
  // The protocol model and the FHIR model every layer below the routes speaks.
  [0, ['cds', 'fhir']],
  // The clinical core, bottom to top (the codes the service sends name the doses it can give).
  [1, ['terminology', 'dosing']],
  [2, ['facts']],
  [3, ['rules']],
  [4, ['cards']],
  [5, ['engine']],
  // Configuration, then the infrastructure the routes use.
  [6, ['config', 'observability']],
  [7, ['http', 'fhir-client', 'store', 'auth', 'shared-cache']],
  [8, ['data', 'audit']],
  [9, ['pages', 'review', 'sandbox']],
  // The routes, and what assembles or starts them.
  [10, ['routes']],
  [11, ['app']],
  [12, ['server']],
  [13, ['cli']]
]
const RANK: Readonly<Record<string, number>> = Object.fromEntries(LAYERS.flatMap(([rank, modules]) => modules.map((m) => [m, rank])))

/** Files that start the whole service, as the CLI does, and so rank with it. */
const LAUNCHERS = new Set(['sandbox/run.ts'])

/** The clinical core: synchronous, no I/O (docs/design.md#layers). */
const CORE = new Set(['fhir', 'terminology', 'dosing', 'facts', 'rules', 'cards', 'engine'])
/** Modules that touch the network, the disk, other processes or the framework. */
const IO = /^(node:)?(fs|fs\/promises|net|http|https|http2|dns|dns\/promises|tls|dgram|child_process|worker_threads|cluster)$|^(undici|pg|better-sqlite3|ioredis|fastify|@fastify\/.*)$/
/** Network modules: none may appear under src/fhir/. */
const NETWORK = /^(node:)?(net|http|https|http2|dns|dns\/promises|tls|dgram)$|^undici$/

interface Import { readonly from: string, readonly specifier: string, readonly target?: string }

function files (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

/** Top-level module of a src-relative path: `rules/doac-choice.ts` → `rules`, `engine.ts` → `engine`. */
function moduleOf (path: string): string {
  if (LAUNCHERS.has(path)) return 'cli'
  const first = path.split('/')[0] ?? path
  return first.replace(/\.ts$/, '')
}

function importsOf (file: string): Import[] {
  const text = readFileSync(file, 'utf8')
  const from = relative(SRC, file)
  const found: Import[] = []
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
    const specifier = m[1] ?? m[2] ?? m[3] ?? ''
    const target = specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : undefined
    found.push({ from, specifier, ...(target !== undefined ? { target } : {}) })
  }
  return found
}

const ALL = files(SRC).flatMap(importsOf)

describe('the layering of src/', () => {
  it('knows every top-level module (a new folder gets a rank here)', () => {
    const modules = new Set(files(SRC).map((f) => moduleOf(relative(SRC, f))))
    expect([...modules].filter((m) => RANK[m] === undefined)).toEqual([])
  })

  it('reads imports the way TypeScript writes them (the parser itself, on known files)', () => {
    const hooks = ALL.filter((i) => i.from === 'routes/hooks.ts').map((i) => i.target ?? i.specifier)
    expect(hooks).toContain('data/gather.ts')
    expect(hooks).toContain('fastify')
    expect(ALL.filter((i) => i.from === 'engine.ts').map((i) => i.target)).toContain('rules/catalogue.ts')
  })

  it('never imports from a higher layer', () => {
    const upward = ALL.filter((i) => i.target !== undefined && (RANK[moduleOf(i.target)] ?? 99) > (RANK[moduleOf(i.from)] ?? -1))
      .map((i) => `${i.from} → ${i.target ?? ''}`)
    expect(upward).toEqual([])
  })

  it('keeps the clinical core free of I/O', () => {
    const io = ALL.filter((i) => CORE.has(moduleOf(i.from)) && IO.test(i.specifier)).map((i) => `${i.from} → ${i.specifier}`)
    expect(io).toEqual([])
  })

  it('keeps network code out of src/fhir/ (it lives in src/fhir-client/)', () => {
    const network = ALL.filter((i) => moduleOf(i.from) === 'fhir' && (NETWORK.test(i.specifier) || (i.target !== undefined && moduleOf(i.target) !== 'fhir')))
      .map((i) => `${i.from} → ${i.target ?? i.specifier}`)
    expect(network).toEqual([])
  })

  it('lets only the routes (and the app that wires them) reach data gathering and the audit record', () => {
    const reach = ALL.filter((i) => i.target === 'data/gather.ts' || i.target === 'audit/invocation-audit.ts')
      .map((i) => i.from).filter((f) => moduleOf(f) !== 'routes' && f !== 'app.ts' && moduleOf(f) !== 'data' && moduleOf(f) !== 'audit')
    expect(reach).toEqual([])
  })

  it('lets nothing but the app import the routes', () => {
    const reach = ALL.filter((i) => i.target !== undefined && moduleOf(i.target) === 'routes' && moduleOf(i.from) !== 'routes' && i.from !== 'app.ts')
      .map((i) => `${i.from} → ${i.target ?? ''}`)
    expect(reach).toEqual([])
  })
})
