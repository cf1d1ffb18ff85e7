// Runs `cat-cds audit …` in process against a store, capturing what it writes and its exit code.
import { PassThrough, Readable } from 'node:stream'
import { auditCommand } from '../../src/cli/audit.js'

export interface AuditRun { code: number, stdout: string, stderr: string }

export async function runAudit (args: string[], storeUrl: string, options: { stdin?: string, now?: Date } = {}): Promise<AuditRun> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (d: Buffer) => out.push(d.toString()))
  stderr.on('data', (d: Buffer) => err.push(d.toString()))
  const now = options.now
  const code = await auditCommand(args, {
    stdin: Readable.from([options.stdin ?? '']),
    stdout,
    stderr,
    env: { CDS_STORE_URL: storeUrl },
    ...(now !== undefined ? { now: () => now } : {})
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}
