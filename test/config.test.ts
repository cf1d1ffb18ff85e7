import { describe, expect, it } from 'vitest'
import { ConfigError, DEVELOPMENT_AUDIT_HMAC_KEY, loadConfig, loadStoreUrl } from '../src/config.js'

function problemsOf (env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('configuration', () => {
  it('runs with embedded defaults and nothing set', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.env).toBe('development')
    expect(config.auth).toBe('off')
    expect(config.guidelineProfile).toBe('lmwh-first')
    expect(config.corsOrigins).toEqual(['*'])
    expect(config.publicUrls).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000'])
    expect(config.storeUrl).toBe('sqlite:./data/cat-cds.db')
    expect(config.rateLimitPerMinute).toBe(0)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names the variable that is wrong', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT: /)])
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: /)
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL: /)
    expect(problemsOf({ CDS_GUIDELINE_PROFILE: 'doac-always' })[0]).toMatch(/^CDS_GUIDELINE_PROFILE: /)
    expect(problemsOf({ CDS_STORE_URL: 'mysql://db' })[0]).toMatch(/^CDS_STORE_URL: /)
    expect(problemsOf({ CDS_FHIR_ALLOWLIST: 'https://ehr.example.org/fhir' })[0]).toMatch(/^CDS_FHIR_ALLOWLIST: .*without a path/)
    expect(problemsOf({ CDS_CORS_ORIGINS: 'ftp://x.example' })[0]).toMatch(/^CDS_CORS_ORIGINS: /)
  })

  it('reads the site formulary (CDS_FORMULARY) and refuses a bad one with what is wrong', () => {
    expect(loadConfig({}).formulary.lmwh).toEqual(['dalteparin', 'enoxaparin', 'tinzaparin'])
    const enox = loadConfig({ CDS_FORMULARY: 'test/fixtures/formulary/enoxaparin-only.json' }).formulary
    expect(enox.lmwh).toEqual(['enoxaparin'])
    expect(enox.syringes.enoxaparin.map((s) => s.dose)).toEqual([40, 60, 80, 100, 120, 150])
    expect(loadConfig({ CDS_FORMULARY: 'docker/formulary.example.json' }).formulary.lmwh).toEqual(['dalteparin', 'enoxaparin'])
    expect(problemsOf({ CDS_FORMULARY: 'test/fixtures/formulary/none.json' })).toEqual(['CDS_FORMULARY: test/fixtures/formulary/none.json: file not found'])
    expect(problemsOf({ CDS_FORMULARY: 'package.json' })[0]).toMatch(/^CDS_FORMULARY: package.json: products: /)
    expect(problemsOf({ CDS_FORMULARY: 'README.md' })).toEqual(['CDS_FORMULARY: README.md: not valid JSON'])
  })

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: '-1', CDS_AUTH: 'maybe' })
    expect(problems).toHaveLength(2)
    expect(problems.join('\n')).toMatch(/PORT/)
    expect(problems.join('\n')).toMatch(/CDS_AUTH/)
  })

  it('refuses insecure settings in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production', CDS_AUTH: 'off', CDS_CORS_ORIGINS: '*', CDS_FHIR_ALLOWLIST: '*' })
    expect(problems.join('\n')).toMatch(/CDS_AUTH: "off" is refused/)
    expect(problems.join('\n')).toMatch(/CDS_CORS_ORIGINS: "\*" is refused/)
    expect(problems.join('\n')).toMatch(/CDS_FHIR_ALLOWLIST: "\*" is refused/)
    expect(problems.join('\n')).toMatch(/CDS_PUBLIC_URL: required/)
  })

  it('parses lists of origins and public URLs', () => {
    const config = loadConfig({
      CDS_FHIR_ALLOWLIST: 'https://ehr.example.org, http://127.0.0.1:8080/',
      CDS_CORS_ORIGINS: 'https://sandbox.cds-hooks.org',
      CDS_PUBLIC_URL: 'https://cds.example.org/, https://cds-internal.example.org'
    })
    expect(config.fhirAllowlist).toEqual(['https://ehr.example.org', 'http://127.0.0.1:8080'])
    expect(config.corsOrigins).toEqual(['https://sandbox.cds-hooks.org'])
    expect(config.publicUrls).toEqual(['https://cds.example.org', 'https://cds-internal.example.org'])
  })

  it('validates the JWT leeway and the header limit', () => {
    const config = loadConfig({})
    expect(config.jwtLeewaySeconds).toBe(60)
    expect(config.headerLimitBytes).toBe(16384)
    expect(loadConfig({ CDS_JWT_LEEWAY_S: '0', CDS_HEADER_LIMIT: '32768' })).toMatchObject({ jwtLeewaySeconds: 0, headerLimitBytes: 32768 })
    expect(problemsOf({ CDS_JWT_LEEWAY_S: '3600' })[0]).toMatch(/^CDS_JWT_LEEWAY_S: /)
    expect(problemsOf({ CDS_JWT_LEEWAY_S: '-5' })[0]).toMatch(/^CDS_JWT_LEEWAY_S: /)
    expect(problemsOf({ CDS_HEADER_LIMIT: '100' })[0]).toMatch(/^CDS_HEADER_LIMIT: /)
  })

  it('configures load shedding and tracing, off or on, and names a bad value', () => {
    const defaults = loadConfig({})
    expect(defaults.overload).toEqual({ maxEventLoopDelayMs: 200, maxEventLoopUtilization: 0, maxHeapUsedBytes: 0 })
    expect(defaults.tracing).toEqual({ enabled: false, otlpEndpoint: undefined, serviceName: 'cat-cds' })

    const tuned = loadConfig({
      CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      CDS_OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: '0.95',
      CDS_OVERLOAD_MAX_HEAP_MB: '384',
      CDS_OTEL: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318/',
      OTEL_SERVICE_NAME: 'cat-cds-eu'
    })
    expect(tuned.overload).toEqual({ maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.95, maxHeapUsedBytes: 384 * 1024 * 1024 })
    expect(tuned.tracing).toEqual({ enabled: true, otlpEndpoint: 'http://otel-collector:4318', serviceName: 'cat-cds-eu' })

    expect(problemsOf({ CDS_OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: '1.5' })[0]).toMatch(/^CDS_OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: must be a number from 0 to 1/)
    expect(problemsOf({ CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '-5' })[0]).toMatch(/^CDS_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: /)
    expect(problemsOf({ CDS_OTEL: 'yes' })[0]).toMatch(/^CDS_OTEL: /)
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })[0]).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/)
  })

  it('configures the audit trail: HMAC key required in production, retention, strict feedback', () => {
    const defaults = loadConfig({})
    expect(defaults.auditRetentionDays).toBe(0)
    expect(defaults.feedbackStrict).toBe(false)
    expect(defaults.auditHmacKey).toBe(DEVELOPMENT_AUDIT_HMAC_KEY)
    expect(problemsOf({ NODE_ENV: 'production', CDS_PUBLIC_URL: 'https://cds.example.org', CDS_TRUSTED_CLIENTS: '/x.json' }))
      .toEqual([expect.stringMatching(/^CDS_AUDIT_HMAC_KEY: required when NODE_ENV=production/)])
    expect(problemsOf({ NODE_ENV: 'production', CDS_PUBLIC_URL: 'https://cds.example.org', CDS_TRUSTED_CLIENTS: '/x.json', CDS_AUDIT_HMAC_KEY: 'k'.repeat(32), CDS_STORE_URL: 'sqlite::memory:' }))
      .toEqual([expect.stringMatching(/^CDS_STORE_URL: sqlite::memory: keeps nothing/)])
    expect(problemsOf({ CDS_AUDIT_HMAC_KEY: 'short' })[0]).toMatch(/^CDS_AUDIT_HMAC_KEY: must be at least 32 characters/)
    expect(problemsOf({ CDS_AUDIT_RETENTION_DAYS: 'forever' })[0]).toMatch(/^CDS_AUDIT_RETENTION_DAYS: /)
    expect(problemsOf({ CDS_FEEDBACK_STRICT: 'yes' })[0]).toMatch(/^CDS_FEEDBACK_STRICT: must be true or false/)
    const set = loadConfig({ CDS_AUDIT_HMAC_KEY: 'x'.repeat(32), CDS_AUDIT_RETENTION_DAYS: '2190', CDS_FEEDBACK_STRICT: 'true' })
    expect([set.auditHmacKey, set.auditRetentionDays, set.feedbackStrict]).toEqual(['x'.repeat(32), 2190, true])
  })

  it('refuses placeholder and published secrets in production, naming the variable and never the value', () => {
    const production = { NODE_ENV: 'production', CDS_PUBLIC_URL: 'https://cds.example.org', CDS_TRUSTED_CLIENTS: '/x.json' }
    const good = '3f9c2b7e8d1a4c6f0b5e9d2a7c4f1e8b3d6a9c2f5e8b1d4a7c0f3e6b9d2a5c8f'
    for (const key of ['REPLACE_ME-with-openssl-rand-hex-32-output', 'changeme-changeme-changeme-changeme', 'an-example-key-of-more-than-32-characters', DEVELOPMENT_AUDIT_HMAC_KEY, 'a-test-key-that-is-long-enough-for-the-check']) {
      const problems = problemsOf({ ...production, CDS_AUDIT_HMAC_KEY: key })
      expect(problems, key).toEqual([expect.stringMatching(/^CDS_AUDIT_HMAC_KEY: (looks like a placeholder|is a value published in the CAT-CDS repository)/)])
      expect(problems.join('\n')).not.toContain(key)
    }
    expect(problemsOf({ ...production, CDS_AUDIT_HMAC_KEY: good, CDS_STORE_URL: 'postgres://cat_cds:REPLACE_ME@db:5432/cat_cds', CDS_REDIS_URL: 'redis://:changeme@redis:6379' }))
      .toEqual([expect.stringMatching(/^CDS_STORE_URL \(its password\): looks like a placeholder/), expect.stringMatching(/^CDS_REDIS_URL \(its password\): looks like a placeholder/)])
    expect(loadConfig({ ...production, CDS_AUDIT_HMAC_KEY: good, CDS_STORE_URL: `postgres://cat_cds:${good.slice(0, 24)}@db:5432/cat_cds` }).env).toBe('production')
    // Outside production the development key is the default, with a warning at boot.
    expect(loadConfig({ CDS_AUDIT_HMAC_KEY: 'REPLACE_ME-with-openssl-rand-hex-32-output' }).env).toBe('development')
  })

  it('reads CDS_STORE_URL alone for the audit commands', () => {
    expect(loadStoreUrl({})).toBe('sqlite:./data/cat-cds.db')
    expect(loadStoreUrl({ CDS_STORE_URL: 'postgres://db.example.org/cds', NODE_ENV: 'production' })).toBe('postgres://db.example.org/cds')
    expect(() => loadStoreUrl({ CDS_STORE_URL: 'mysql://x' })).toThrow(/CDS_STORE_URL: must be sqlite:<path> or postgres/)
  })

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).port).toBe(3000)
  })
})
