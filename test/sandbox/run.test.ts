// `npm run sandbox` and `npx cat-cds invoke` as docs/integration.md tells an integrator to use them: the
// real commands in child processes, on loopback ports, with patients from a fixture directory.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { patientBundle } from '../helpers/fhir.js'
import { runCli } from '../helpers/process.js'

describe('cat-cds sandbox', () => {
  it('serves the patients and the CDS service, prints how to call them, and the printed invoke works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat-cds-patients-'))
    writeFileSync(join(dir, 'seed-one.json'), JSON.stringify(patientBundle('seed-one', { conditions: 2 })))
    const child = spawn(process.execPath, ['bin/cat-cds.js', 'sandbox', '--fhir-port', '0', '--patients', dir], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' }
    })
    const exited = once(child, 'exit')
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${stderr}`)), 30_000)
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString()
          if (stdout.includes('Public CDS Hooks sandbox')) { clearTimeout(timer); setTimeout(resolve, 50) }
        })
        exited.then(() => reject(new Error(`sandbox exited:\n${stderr}`)), reject)
      })
      const fhirBase = /FHIR R4 server {2}(\S+)/.exec(stdout)?.[1] ?? ''
      const discovery = /CDS service {5}(\S+)/.exec(stdout)?.[1] ?? ''
      expect(fhirBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/)
      expect(discovery).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cds-services$/)
      expect(stdout).toContain('(1 synthetic patient)')
      expect(stdout).toMatch(/seed-one +Test Patient-seed-one, born \d{4}-\d{2}-\d{2}, female/)
      expect(stdout).toContain(`https://sandbox.cds-hooks.org/?fhirServiceUrl=${encodeURIComponent(fhirBase)}&serviceDiscoveryURL=${encodeURIComponent(discovery)}&patientId=seed-one`)

      const metadata = await (await fetch(`${fhirBase}/metadata`)).json() as { fhirVersion: string }
      expect(metadata.fhirVersion).toBe('4.0.1')

      // The commands the banner prints, exactly (they name this run's service port).
      const printed = stdout.split('\n').filter((l) => l.trim().startsWith('npx cat-cds invoke'))
      expect(printed).toHaveLength(2)
      for (const line of printed) {
        const args = line.trim().split(/\s+/).slice(2)
        expect(args.slice(-2)).toEqual(['--service-url', discovery.replace(/\/cds-services$/, '')])
        const run = await runCli(args)
        expect(run.code, run.stderr).toBe(0)
        expect(run.stdout).toMatch(/^(No cards: |\[(INFO|WARNING|CRITICAL)\] )/m)
      }
      // Once read by invoke's prefetch, once by the service itself (--no-prefetch).
      expect(stderr.match(/fhir: GET \/fhir\/Patient\/seed-one → 200/g)).toHaveLength(2)
    } finally {
      child.kill('SIGTERM')
      const [code] = await exited as [number | null]
      expect(code).toBe(0)
    }
  })

  it('says when a port is taken', async () => {
    const blocker = spawn(process.execPath, ['-e', "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})"])
    try {
      const [chunk] = await once(blocker.stdout, 'data') as [Buffer]
      const port = chunk.toString().trim()
      const run = await runCli(['sandbox', '--fhir-port', port, '--patients', '/nonexistent'], { HOST: '127.0.0.1', PORT: '0' })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`port ${port} is in use; choose another with --fhir-port N`)
    } finally {
      blocker.kill()
    }
  })
})
