#!/usr/bin/env node
// Launcher for the `cat-cds` command and `npm start`. Runs the compiled output in dist/, and compiles
// first when dist/ is missing or older than the sources, so a fresh clone needs no separate build.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const stamp = join(root, 'dist', '.build-stamp')

function newestMtime (path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function buildIfStale () {
  const src = join(root, 'src')
  if (!existsSync(src)) return // an installed package or container image: dist/ is all there is
  const sourcesChanged = Math.max(newestMtime(src), statSync(join(root, 'tsconfig.json')).mtimeMs, statSync(join(root, 'tsconfig.build.json')).mtimeMs)
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sourcesChanged) return
  let tsc
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  } catch {
    if (existsSync(join(root, 'dist', 'cli', 'main.js'))) return
    process.stderr.write('cat-cds: dist/ is missing and TypeScript is not installed; run `npm ci` first\n')
    process.exit(1)
  }
  process.stderr.write('cat-cds: compiling (dist/ is missing or older than src/)…\n')
  // Compiler output goes to stderr: stdout may be piped (`cat-cds example … | curl …`).
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', 2, 2], cwd: root })
  if (result.status !== 0) {
    process.stderr.write('cat-cds: compilation failed\n')
    process.exit(result.status ?? 1)
  }
  writeFileSync(stamp, new Date().toISOString())
}

buildIfStale()
const { main } = await import('../dist/cli/main.js')
const code = await main(process.argv.slice(2))
if (typeof code === 'number') process.exitCode = code
