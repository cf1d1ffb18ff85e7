// `cat-cds <command>`: the package's command-line entry. Each command loads its own modules, so
// that `invoke` starts without the server and `serve` without the development-only sandbox.
import { ConfigError, loadConfig } from '../config.js'
import { auditCommand } from './audit.js'
import { ServiceDefinitionError } from '../cds/services.js'
import { ExampleError, runExample } from './example.js'

const USAGE = `Usage: cat-cds <command> [options]

Commands:
  serve              start the CDS Hooks service (configured by environment variables; see docs/configuration.md)
  audit export       write the audit trail (invocations, decisions, feedback) as NDJSON or FHIR
  audit import       read an NDJSON audit export into the store (e.g. moving SQLite → PostgreSQL)
  audit report       governance figures per rule: cards, accepted, overridden by reason, latency
                     (table, JSON, CSV or HTML; cat-cds audit help)
  invoke             call a service for a patient on a FHIR server and print the cards (cat-cds invoke --help)
  keys generate      write a test CDS client's ES384 key pair and the trusted-clients file that trusts it
  sandbox            start a local FHIR R4 server with the synthetic patients and the service using it
                     (development only; npm run sandbox)
  example [name]     print an example hook request dated today (no name: list the examples)
  rules-doc [--check]  write docs/rules.md and the rule pages' test-patient lists (--check: exit 1 if stale)
  burden [--check]   cards per 100 calls by rule over the synthetic patients → docs/clinical/burden.md, with what moved
  review-pack --out <dir>  write the clinical review pack: every test patient's cards as an EHR shows
                     them, a rule × patient matrix and the rule pages, as static HTML
  help               show this text
`

async function serve (): Promise<void> {
  try {
    const { startServer } = await import('../server.js')
    await startServer(loadConfig())
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ServiceDefinitionError) {
      process.stderr.write(`cat-cds: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
}

async function sandbox (argv: string[]): Promise<number | undefined> {
  // Loaded only here: the sandbox needs the development dependencies (@medplum/*).
  let run: typeof import('../sandbox/run.js')
  try {
    run = await import('../sandbox/run.js')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err
    process.stderr.write('cat-cds sandbox needs the development dependencies: run `npm ci` (without --omit=dev) first\n')
    return 1
  }
  try {
    return await run.runSandbox(argv)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ServiceDefinitionError) {
      process.stderr.write(`cat-cds: ${err.message}\n`)
      return 1
    }
    throw err
  }
}

export async function main (argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv
  switch (command) {
    case 'serve':
      if (rest.length > 0) {
        process.stderr.write(`cat-cds serve takes no arguments (got ${rest.length}); configure it with environment variables\n`)
        return 2
      }
      await serve()
      return undefined
    case 'audit':
      return await auditCommand(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env })
    case 'invoke':
      return await (await import('./invoke.js')).invoke(rest, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        colour: process.stdout.isTTY && process.env.NO_COLOR === undefined
      })
    case 'keys':
      return await (await import('./keys.js')).runKeys(rest, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s)
      })
    case 'sandbox':
      return await sandbox(rest)
    case 'example':
      try {
        return runExample(rest)
      } catch (err) {
        if (!(err instanceof ExampleError)) throw err
        process.stderr.write(`cat-cds: ${err.message}\n`)
        return 2
      }
    case 'burden':
      return (await import('./burden.js')).runBurden(rest)
    case 'rules-doc':
      return (await import('./rules-doc.js')).runRulesDoc(rest)
    case 'review-pack':
      return (await import('./review-pack.js')).runReviewPack(rest)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE)
      return 0
    default:
      process.stderr.write(`cat-cds: unknown command "${command}"\n\n${USAGE}`)
      return 2
  }
}
