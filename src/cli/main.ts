// `cat-cds <command>`: the package's command-line entry.
import { ConfigError, loadConfig } from '../config.js'
import { ServiceDefinitionError } from '../cds/services.js'
import { ExampleError, runExample } from './example.js'
import { runRulesDoc } from './rules-doc.js'
import { startServer } from '../server.js'

const USAGE = `Usage: cat-cds <command> [options]

Commands:
  serve              start the CDS Hooks service (configured by environment variables; see README)
  example [name]     print an example hook request dated today (no name: list the examples)
  rules-doc [--check]  write docs/rules.md from the rule metadata (--check: exit 1 if it is stale)
  help               show this text
`

async function serve (): Promise<void> {
  try {
    await startServer(loadConfig())
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ServiceDefinitionError) {
      process.stderr.write(`cat-cds: ${err.message}\n`)
      process.exit(1)
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
    case 'example':
      try {
        return runExample(rest)
      } catch (err) {
        if (!(err instanceof ExampleError)) throw err
        process.stderr.write(`cat-cds: ${err.message}\n`)
        return 2
      }
    case 'rules-doc':
      return runRulesDoc(rest)
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
