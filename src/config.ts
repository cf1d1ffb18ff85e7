// Configuration comes only from environment variables, validated once at boot. A wrong value stops
// the boot with a message naming the variable (design.md, "Contracts other people rely on").
import { z } from 'zod'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Comma-separated list → trimmed, non-empty entries. */
const csv = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)

const intFrom = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max))

/** An origin is scheme://host[:port] with nothing after it. */
function toOrigin (raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`"${raw}" is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${raw}" must use http or https`)
  if (url.username !== '' || url.password !== '') throw new Error(`"${raw}" must not contain credentials`)
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new Error(`"${raw}" must be an origin (scheme://host[:port]) without a path`)
  }
  return url.origin
}

const originList = z.string().transform((value, ctx) => {
  const out: string[] = []
  for (const entry of csv(value)) {
    if (entry === '*') { out.push('*'); continue }
    try {
      out.push(toOrigin(entry))
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message })
      return z.NEVER
    }
  }
  return out
})

const publicUrls = z.string().transform((value, ctx) => {
  const out: string[] = []
  for (const entry of csv(value)) {
    let url: URL
    try {
      url = new URL(entry)
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not a URL` })
      return z.NEVER
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: `"${entry}" must use http or https` })
      return z.NEVER
    }
    // Stored without a trailing slash so that `${base}/cds-services/...` is the exact URL a client calls.
    out.push(url.href.replace(/\/+$/, ''))
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must name at least one URL' })
    return z.NEVER
  }
  return out
})

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFrom(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CDS_PUBLIC_URL: publicUrls.optional(),
  CDS_AUTH: z.enum(['jwt', 'off']).optional(),
  CDS_TRUSTED_CLIENTS: z.string().trim().min(1).optional(),
  CDS_FHIR_ALLOWLIST: originList.optional(),
  CDS_STORE_URL: z.string().trim().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgres://…').default('sqlite:./data/cat-cds.db'),
  CDS_GUIDELINE_PROFILE: z.enum(['lmwh-first', 'guideline-2023']).default('lmwh-first'),
  CDS_RATE_LIMIT: intFrom(0, 1_000_000).optional(),
  CDS_CORS_ORIGINS: originList.optional(),
  CDS_BODY_LIMIT: intFrom(1024, 64 * 1024 * 1024).default(1024 * 1024),
  CDS_SHUTDOWN_GRACE_MS: intFrom(0, 120_000).default(10_000),
  CDS_FRESHNESS_LAB_DAYS: intFrom(1, 365).default(7),
  CDS_FRESHNESS_WEIGHT_DAYS: intFrom(1, 3650).default(30)
})

export type Env = z.input<typeof EnvSchema>

export interface Config {
  readonly env: 'development' | 'production' | 'test'
  readonly port: number
  readonly host: string
  readonly logLevel: typeof LOG_LEVELS[number]
  /** Base URLs clients use to reach this service, without trailing slash (JWT `aud` is built from them). */
  readonly publicUrls: readonly string[]
  readonly auth: 'jwt' | 'off'
  readonly trustedClientsPath: string | undefined
  /** Origins the service may call as `fhirServer`; `'*'` only in development. */
  readonly fhirAllowlist: readonly string[]
  readonly storeUrl: string
  readonly guidelineProfile: 'lmwh-first' | 'guideline-2023'
  /** Requests per minute per client; 0 = off. */
  readonly rateLimitPerMinute: number
  /** Allowed browser origins; `['*']` allows any. */
  readonly corsOrigins: readonly string[]
  readonly bodyLimitBytes: number
  readonly shutdownGraceMs: number
  /** Creatinine, platelets and other labs older than this many days are stale (decisions.md: 7). */
  readonly freshnessLabDays: number
  /** A weight older than this many days is stale (decisions.md: 30). */
  readonly freshnessWeightDays: number
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Validates the environment and returns a frozen Config, or throws a ConfigError listing every problem. */
export function loadConfig (env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset so that `FOO= npm start` does not trip a validator.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(present)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`))
  }
  const e = parsed.data
  const production = e.NODE_ENV === 'production'
  const problems: string[] = []

  const auth = e.CDS_AUTH ?? (production ? 'jwt' : 'off')
  if (production && auth === 'off') problems.push('CDS_AUTH: "off" is refused when NODE_ENV=production')
  if (auth === 'jwt' && e.CDS_TRUSTED_CLIENTS === undefined) problems.push('CDS_TRUSTED_CLIENTS: required when CDS_AUTH=jwt')

  const fhirAllowlist = e.CDS_FHIR_ALLOWLIST ?? []
  if (production && fhirAllowlist.includes('*')) problems.push('CDS_FHIR_ALLOWLIST: "*" is refused when NODE_ENV=production')

  const corsOrigins = e.CDS_CORS_ORIGINS ?? (production ? [] : ['*'])
  if (production && corsOrigins.includes('*')) problems.push('CDS_CORS_ORIGINS: "*" is refused when NODE_ENV=production')

  if (production && e.CDS_PUBLIC_URL === undefined) problems.push('CDS_PUBLIC_URL: required when NODE_ENV=production (JWT aud is checked against it)')

  if (problems.length > 0) throw new ConfigError(problems)

  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    publicUrls: Object.freeze(e.CDS_PUBLIC_URL ?? [`http://localhost:${e.PORT}`]),
    auth,
    trustedClientsPath: e.CDS_TRUSTED_CLIENTS,
    fhirAllowlist: Object.freeze(fhirAllowlist),
    storeUrl: e.CDS_STORE_URL,
    guidelineProfile: e.CDS_GUIDELINE_PROFILE,
    rateLimitPerMinute: e.CDS_RATE_LIMIT ?? (production ? 600 : 0),
    corsOrigins: Object.freeze(corsOrigins),
    bodyLimitBytes: e.CDS_BODY_LIMIT,
    shutdownGraceMs: e.CDS_SHUTDOWN_GRACE_MS,
    freshnessLabDays: e.CDS_FRESHNESS_LAB_DAYS,
    freshnessWeightDays: e.CDS_FRESHNESS_WEIGHT_DAYS
  })
}
