import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'

describe('FHIR client configuration', () => {
  it('has defaults that keep a hook call well inside ~500 ms', () => {
    const config = loadConfig({})
    expect(config.fhirTimeoutMs).toBe(350)
    expect(config.fhirRetries).toBe(1)
    expect(config.fhirBreakerFailures).toBe(5)
    expect(config.fhirBreakerCooldownMs).toBe(30_000)
    expect(config.fhirAllowlist).toEqual([])
  })

  it('reads each setting and names the one that is wrong', () => {
    const config = loadConfig({ CDS_FHIR_TIMEOUT_MS: '400', CDS_FHIR_RETRIES: '0', CDS_FHIR_BREAKER_FAILURES: '10', CDS_FHIR_BREAKER_COOLDOWN_MS: '5000' })
    expect([config.fhirTimeoutMs, config.fhirRetries, config.fhirBreakerFailures, config.fhirBreakerCooldownMs]).toEqual([400, 0, 10, 5000])
    for (const [name, value] of [['CDS_FHIR_TIMEOUT_MS', '10'], ['CDS_FHIR_TIMEOUT_MS', 'fast'], ['CDS_FHIR_RETRIES', '4'], ['CDS_FHIR_BREAKER_FAILURES', '0'], ['CDS_FHIR_BREAKER_COOLDOWN_MS', '-1']] as const) {
      let problems: string[] = []
      try {
        loadConfig({ [name]: value })
      } catch (err) {
        if (err instanceof ConfigError) problems = err.problems
      }
      expect(problems, `${name}=${value}`).toEqual([expect.stringMatching(new RegExp(`^${name}: `))])
    }
  })
})
