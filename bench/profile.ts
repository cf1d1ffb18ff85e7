// `npm run profile [-- --kb 50 --hook order-sign --seconds 10]`: where a hook call's time goes. Starts
// the service with V8's CPU profiler (pinned to CPU 0, as in `npm run bench`), drives the bench's
// request at 10 connections from CPU 1, then writes bench/profiles/<hook>-<kb>kb.cpuprofile (a flame
// graph: open it in Chrome DevTools' Performance panel or https://www.speedscope.app, offline) and a
// text summary beside it: self time by function and inclusive time by source file.
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { hookRequest, observationsForSize } from './payloads.js'
import { freePort, pinSelf, startNode } from './processes.js'

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

const { values } = parseArgs({ options: { kb: { type: 'string', default: '50' }, hook: { type: 'string', default: 'order-sign' }, seconds: { type: 'string', default: '10' } } })
const kb = Number(values.kb)
const hook = values.hook
const seconds = Number(values.seconds)
const root = join(import.meta.dirname, '..', '..')
const out = join(root, 'bench', 'profiles')

/** `file` relative to the repository, a package name for dependencies, the bare name for Node's own. */
function fileOf (url: string): string {
  const path = url.replace(/^file:\/\//, '')
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (dep !== null) return `npm:${dep[1] ?? ''}`
  return path.startsWith(root) ? path.slice(root.length + 1) : path
}

function summarise (profile: Profile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    total += dt
    const node = byId.get(id)
    if (node === undefined) return
    const key = `${node.callFrame.functionName || '(anonymous)'} ${fileOf(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + dt)
    const files = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const file = fileOf(byId.get(cur)?.callFrame.url ?? '')
      if (file !== '') files.add(file)
    }
    for (const file of files) inclusive.set(file, (inclusive.get(file) ?? 0) + dt)
  })
  const rows = (m: Map<string, number>, n: number): string => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, t]) => `${(100 * t / total).toFixed(1).padStart(5)} %  ${k}`).join('\n')
  return `Self time by function (top 40)\n${rows(self, 40)}\n\nInclusive time by source file (top 40)\n${rows(inclusive, 40)}\n`
}

pinSelf('1')
const dir = mkdtempSync(join(tmpdir(), 'cat-cds-profile-'))
const port = await freePort()
const service = await startNode(['--cpu-prof', `--cpu-prof-dir=${dir}`, 'bin/cat-cds.js', 'serve'], {
  NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', CDS_STORE_URL: `sqlite:${join(dir, 'audit.db')}`
}, port)
const request = hookRequest({ observations: observationsForSize(kb * 1024), hook: hook as 'order-sign' | 'order-select' })
const result = await autocannon({
  url: `${service.url}/cds-services/cat-${hook}`,
  connections: 10,
  duration: seconds,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  requests: [{ setupRequest: (r) => ({ ...r, body: JSON.stringify({ ...request, hookInstance: randomUUID() }) }) }]
})
await service.stop()
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (file === undefined) throw new Error('the service wrote no CPU profile')
mkdirSync(out, { recursive: true })
const name = `${hook}-${kb}kb`
renameSync(join(dir, file), join(out, `${name}.cpuprofile`))
const header = `CAT-CDS CPU profile — ${new Date().toISOString()} — ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ` +
  `${hook} ~${kb} KB, 10 connections, ${seconds} s: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx\n\n`
writeFileSync(join(out, `${name}.txt`), header + summarise(JSON.parse(readFileSync(join(out, `${name}.cpuprofile`), 'utf8')) as Profile))
rmSync(dir, { recursive: true, force: true })
process.stdout.write(`${header}wrote bench/profiles/${name}.cpuprofile and ${name}.txt\n`)
