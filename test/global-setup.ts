// Compiles dist/ once before any test spawns the real server (the launcher would otherwise race to
// build it from several test files at once).
import { spawnSync } from 'node:child_process'

export default function setup (): void {
  const result = spawnSync(process.execPath, ['bin/cat-cds.js', 'help'], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`build before tests failed:\n${result.stderr}`)
}
