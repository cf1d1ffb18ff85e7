// Captures the service's log lines in memory so tests can assert what is (and is not) logged.
import { Writable } from 'node:stream'

export class LogCapture extends Writable {
  readonly lines: string[] = []

  override _write (chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.lines.push(line)
    done()
  }

  get records (): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  }

  /** Log lines (raw text) that contain `needle`. */
  containing (needle: string): string[] {
    return this.lines.filter((l) => l.includes(needle))
  }
}
