// The CDS services this deployment offers, read from the declarative definitions in `hooks/` and
// validated at boot: a malformed definition stops the boot instead of confusing an EHR later.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** Hooks this service implements, with the context fields that may appear as prefetch tokens. */
export const SUPPORTED_HOOKS = {
  'order-select': ['userId', 'patientId', 'encounterId'],
  'order-sign': ['userId', 'patientId', 'encounterId'],
  'patient-view': ['userId', 'patientId', 'encounterId']
} as const satisfies Record<string, readonly string[]>

export type HookName = keyof typeof SUPPORTED_HOOKS

const USER_TOKENS = ['userPractitionerId', 'userPractitionerRoleId', 'userPatientId', 'userRelatedPersonId']

const TOKEN = /\{\{\s*([^}]*?)\s*\}\}/g

const ServiceDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  hook: z.enum(Object.keys(SUPPORTED_HOOKS) as [HookName, ...HookName[]]),
  title: z.string().min(1).max(200),
  description: z.string().min(1).max(2000),
  usageRequirements: z.string().min(1).max(2000),
  prefetch: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/), z.string().min(1).max(4000))
}).superRefine((def, ctx) => {
  const allowed = new Set<string>([...SUPPORTED_HOOKS[def.hook].map((f) => `context.${f}`), ...USER_TOKENS])
  for (const [key, template] of Object.entries(def.prefetch)) {
    if (/^(https?:)?\/\//i.test(template)) {
      ctx.addIssue({ code: 'custom', path: ['prefetch', key], message: 'must be a relative FHIR URL' })
    }
    for (const match of template.matchAll(TOKEN)) {
      if (!allowed.has(match[1] ?? '')) {
        ctx.addIssue({ code: 'custom', path: ['prefetch', key], message: `token {{${match[1]}}} is not a prefetch token of ${def.hook}` })
      }
    }
  }
})

export type ServiceDefinition = Readonly<z.infer<typeof ServiceDefinitionSchema>>

export const DEFAULT_HOOKS_DIR = fileURLToPath(new URL('../../hooks/', import.meta.url))

export class ServiceDefinitionError extends Error {
  override name = 'ServiceDefinitionError'
}

/** Reads and validates every `*.json` definition in `dir`; ids must be distinct. */
export function loadServiceDefinitions (dir: string = DEFAULT_HOOKS_DIR): ServiceDefinition[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  if (files.length === 0) throw new ServiceDefinitionError(`no service definitions (*.json) in ${dir}`)
  const services: ServiceDefinition[] = []
  const problems: string[] = []
  for (const file of files) {
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`)
      continue
    }
    const parsed = ServiceDefinitionSchema.safeParse(raw)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
      continue
    }
    services.push(Object.freeze(parsed.data))
  }
  const seen = new Set<string>()
  for (const s of services) {
    // The public CDS Hooks sandbox stores services by id, so two hooks sharing an id overwrite each other.
    if (seen.has(s.id)) problems.push(`service id "${s.id}" is used more than once`)
    seen.add(s.id)
  }
  if (problems.length > 0) throw new ServiceDefinitionError(`invalid service definitions in ${dir}:\n  - ${problems.join('\n  - ')}`)
  return services
}

/** The discovery document (`GET /cds-services`). */
export function discoveryDocument (services: readonly ServiceDefinition[]): { services: ServiceDefinition[] } {
  return { services: services.map((s) => ({ ...s, prefetch: { ...s.prefetch } })) }
}
