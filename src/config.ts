// Configuration comes only from environment variables, validated once at boot. A wrong value stops
// the boot with a message naming the variable (docs/design.md#configuration).
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { DEFAULT_FORMULARY, parseFormulary, type Formulary } from './dosing/presentations.js'

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

/** A decimal fraction in [0, 1], e.g. `0.98`. */
const fraction = z.string().trim().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number from 0 to 1').transform(Number)

const httpUrl = z.string().trim().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}, 'must be an http(s) URL')

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

/**
 * Without CDS_PUBLIC_URL (development only) every loopback spelling of this port is accepted as a
 * JWT `aud`: the public sandbox signs the exact URL it was given, and integrators type
 * `127.0.0.1` as often as `localhost` (docs/security.md#client-authentication-cds-hooks-jwt).
 */
export function developmentPublicUrls (port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`]
}

const StoreUrl = z.string().trim().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgres://…').default('sqlite:./data/cat-cds.db')

/** redis://[user:password@]host[:port][/db] or rediss:// (TLS). */
const RedisUrl = z.string().trim().refine((value) => {
  try {
    const url = new URL(value)
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
  } catch {
    return false
  }
}, 'must be redis://[user:password@]host[:port][/db] or rediss://…')

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFrom(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CDS_PUBLIC_URL: publicUrls.optional(),
  CDS_AUTH: z.enum(['jwt', 'off']).optional(),
  CDS_TRUSTED_CLIENTS: z.string().trim().min(1).optional(),
  CDS_FHIR_ALLOWLIST: originList.optional(),
  CDS_FHIR_TIMEOUT_MS: intFrom(50, 60_000).default(350),
  CDS_FHIR_RETRIES: intFrom(0, 3).default(1),
  CDS_FHIR_BREAKER_FAILURES: intFrom(1, 1000).default(5),
  CDS_FHIR_BREAKER_COOLDOWN_MS: intFrom(1000, 3_600_000).default(30_000),
  CDS_STORE_URL: StoreUrl,
  CDS_REDIS_URL: RedisUrl.optional(),
  CDS_GUIDELINE_PROFILE: z.enum(['lmwh-first', 'guideline-2023']).default('lmwh-first'),
  CDS_RATE_LIMIT: intFrom(0, 1_000_000).optional(),
  CDS_CORS_ORIGINS: originList.optional(),
  CDS_BODY_LIMIT: intFrom(1024, 64 * 1024 * 1024).default(1024 * 1024),
  CDS_HEADER_LIMIT: intFrom(4096, 65536).default(16384),
  CDS_JWT_LEEWAY_S: intFrom(0, 300).default(60),
  CDS_SHUTDOWN_GRACE_MS: intFrom(0, 120_000).default(10_000),
  // Load shedding (@fastify/under-pressure); 0 turns a threshold off.
  CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: intFrom(0, 60_000).default(200),
  CDS_OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: fraction.default(0),
  CDS_OVERLOAD_MAX_HEAP_MB: intFrom(0, 1_048_576).default(0),
  CDS_OTEL: z.enum(['on', 'off']).default('off'),
  // Standard OpenTelemetry variables, read here only to validate them and default the service name.
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('cat-cds'),
  CDS_AUDIT_HMAC_KEY: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  CDS_AUDIT_RETENTION_DAYS: intFrom(0, 36_500).default(0),
  CDS_FEEDBACK_STRICT: z.enum(['true', 'false'], 'must be true or false').default('false'),
  CDS_FRESHNESS_LAB_DAYS: intFrom(1, 365).default(7),
  CDS_FRESHNESS_WEIGHT_DAYS: intFrom(1, 3650).default(30),
  CDS_FORMULARY: z.string().trim().min(1).optional()
})

/** Every environment variable the service reads (deployment files are checked against this list). */
export const ENV_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape))

/** Keys the audit trail's patient HMAC outside production only; its use is logged as a warning at boot. */
export const DEVELOPMENT_AUDIT_HMAC_KEY = 'cat-cds-development-audit-key-not-a-secret'

/** Words that mark a value copied from an example rather than generated (docs/operations.md#kubernetes). */
const PLACEHOLDER = /replace[_-]?me|change[_-]?me|example|placeholder|not-a-secret/i
/** Secret values written in this repository (tests, examples); whoever can read it knows them. */
const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([DEVELOPMENT_AUDIT_HMAC_KEY, 'a-test-key-that-is-long-enough-for-the-check'])

/** Why a production secret is unacceptable, or undefined when it is not a placeholder or a published value. */
export function placeholderProblem (value: string): string | undefined {
  if (PUBLISHED_SECRETS.has(value)) return 'is a value published in the CAT-CDS repository'
  if (PLACEHOLDER.test(value)) return `looks like a placeholder ("${PLACEHOLDER.exec(value)?.[0] ?? ''}")`
  return undefined
}

/** The password part of a store or Redis URL, decoded. */
function urlPassword (url: string | undefined): string {
  if (url === undefined) return ''
  try {
    return decodeURIComponent(new URL(url).password)
  } catch {
    return ''
  }
}

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
  /** One deadline for all FHIR calls of a hook call. */
  readonly fhirTimeoutMs: number
  /** Extra attempts for a FHIR read that failed in a retryable way (network, 429, 502–504). */
  readonly fhirRetries: number
  /** Consecutive failures that open an origin's circuit breaker, and how long it stays open. */
  readonly fhirBreakerFailures: number
  readonly fhirBreakerCooldownMs: number
  readonly storeUrl: string
  /** Shared replay cache and rate-limit counters for a fleet; per process when undefined. */
  readonly redisUrl: string | undefined
  readonly guidelineProfile: 'lmwh-first' | 'guideline-2023'
  /** Requests per minute per client; 0 = off. */
  readonly rateLimitPerMinute: number
  /** Allowed browser origins; `['*']` allows any. */
  readonly corsOrigins: readonly string[]
  readonly bodyLimitBytes: number
  /** Largest accepted request header block in bytes (larger → 431). */
  readonly headerLimitBytes: number
  /** Clock skew tolerated on JWT `exp` and `nbf`, in seconds. */
  readonly jwtLeewaySeconds: number
  readonly shutdownGraceMs: number
  /** Thresholds past which requests are shed with 503 (0 = that check is off). */
  readonly overload: {
    readonly maxEventLoopDelayMs: number
    readonly maxEventLoopUtilization: number
    readonly maxHeapUsedBytes: number
  }
  /** OpenTelemetry tracing; off by default, and nothing of the SDK is loaded while off. */
  readonly tracing: {
    readonly enabled: boolean
    /** OTLP/HTTP base URL (`/v1/traces` is appended); the exporter's default when undefined. */
    readonly otlpEndpoint: string | undefined
    readonly serviceName: string
  }
  /** Secret for the HMAC-SHA256 patient key in the audit trail (the patient id itself is never stored). */
  readonly auditHmacKey: string
  /** Days audit and feedback records are kept; 0 keeps them forever. */
  readonly auditRetentionDays: number
  /** Feedback naming a card this service never issued gets 404 instead of being stored. */
  readonly feedbackStrict: boolean
  /** Creatinine, platelets and other labs older than this many days are stale (docs/clinical/decisions.md#freshness: 7). */
  readonly freshnessLabDays: number
  /** A weight older than this many days is stale (docs/clinical/decisions.md#freshness: 30). */
  readonly freshnessWeightDays: number
  /** The LMWH products and syringes the site stocks (CDS_FORMULARY; all three and every syringe when unset). */
  readonly formulary: Formulary
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** CDS_STORE_URL alone, for commands that only touch the store (`cat-cds audit …`). */
export function loadStoreUrl (env: Record<string, string | undefined> = process.env): string {
  const parsed = StoreUrl.safeParse(env.CDS_STORE_URL === '' ? undefined : env.CDS_STORE_URL)
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `CDS_STORE_URL: ${i.message}`))
  return parsed.data
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

  if (production && e.CDS_STORE_URL === 'sqlite::memory:') problems.push('CDS_STORE_URL: sqlite::memory: keeps nothing across a restart; refused when NODE_ENV=production')
  if (production && e.CDS_AUDIT_HMAC_KEY === undefined) problems.push('CDS_AUDIT_HMAC_KEY: required when NODE_ENV=production (keys the patient HMAC in the audit trail)')

  if (production) {
    // A placeholder that passes the format checks would otherwise boot a production service with a
    // secret everyone can read; the message names the variable, never the value.
    const secrets: Array<[string, string]> = [
      ['CDS_AUDIT_HMAC_KEY', e.CDS_AUDIT_HMAC_KEY ?? ''],
      ['CDS_STORE_URL (its password)', urlPassword(e.CDS_STORE_URL)],
      ['CDS_REDIS_URL (its password)', urlPassword(e.CDS_REDIS_URL)]
    ]
    for (const [name, value] of secrets) {
      const problem = value === '' ? undefined : placeholderProblem(value)
      if (problem !== undefined) problems.push(`${name}: ${problem}; generate a real secret (e.g. \`openssl rand -hex 32\`) and keep it out of the repository`)
    }
  }

  const formulary = e.CDS_FORMULARY === undefined ? DEFAULT_FORMULARY : readFormulary(e.CDS_FORMULARY, problems)

  if (problems.length > 0) throw new ConfigError(problems)

  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    publicUrls: Object.freeze(e.CDS_PUBLIC_URL ?? developmentPublicUrls(e.PORT)),
    auth,
    trustedClientsPath: e.CDS_TRUSTED_CLIENTS,
    fhirAllowlist: Object.freeze(fhirAllowlist),
    fhirTimeoutMs: e.CDS_FHIR_TIMEOUT_MS,
    fhirRetries: e.CDS_FHIR_RETRIES,
    fhirBreakerFailures: e.CDS_FHIR_BREAKER_FAILURES,
    fhirBreakerCooldownMs: e.CDS_FHIR_BREAKER_COOLDOWN_MS,
    storeUrl: e.CDS_STORE_URL,
    redisUrl: e.CDS_REDIS_URL,
    guidelineProfile: e.CDS_GUIDELINE_PROFILE,
    rateLimitPerMinute: e.CDS_RATE_LIMIT ?? (production ? 600 : 0),
    corsOrigins: Object.freeze(corsOrigins),
    bodyLimitBytes: e.CDS_BODY_LIMIT,
    headerLimitBytes: e.CDS_HEADER_LIMIT,
    jwtLeewaySeconds: e.CDS_JWT_LEEWAY_S,
    shutdownGraceMs: e.CDS_SHUTDOWN_GRACE_MS,
    overload: Object.freeze({
      maxEventLoopDelayMs: e.CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: e.CDS_OVERLOAD_MAX_EVENT_LOOP_UTILIZATION,
      maxHeapUsedBytes: e.CDS_OVERLOAD_MAX_HEAP_MB * 1024 * 1024
    }),
    tracing: Object.freeze({
      enabled: e.CDS_OTEL === 'on',
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, ''),
      serviceName: e.OTEL_SERVICE_NAME
    }),
    auditHmacKey: e.CDS_AUDIT_HMAC_KEY ?? DEVELOPMENT_AUDIT_HMAC_KEY,
    auditRetentionDays: e.CDS_AUDIT_RETENTION_DAYS,
    feedbackStrict: e.CDS_FEEDBACK_STRICT === 'true',
    freshnessLabDays: e.CDS_FRESHNESS_LAB_DAYS,
    freshnessWeightDays: e.CDS_FRESHNESS_WEIGHT_DAYS,
    formulary
  })
}

/** Reads the site formulary file, adding what is wrong with it to `problems` (the boot stops on them). */
function readFormulary (path: string, problems: string[]): Formulary {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : err instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'
    problems.push(`CDS_FORMULARY: ${path}: ${reason}`)
    return DEFAULT_FORMULARY
  }
  try {
    return parseFormulary(raw)
  } catch (err) {
    problems.push(`CDS_FORMULARY: ${path}: ${(err as Error).message}`)
    return DEFAULT_FORMULARY
  }
}
