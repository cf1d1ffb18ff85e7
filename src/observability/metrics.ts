// Prometheus metrics, one registry per app instance (tests build many apps in one process).
// Labels are bounded enumerations: route templates, statuses, rule ids, outcomes — never a patient
// id, a URL path value or a token.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export class Metrics {
  readonly registry = new Registry()

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry]
  })

  readonly shedRequests = new Counter({
    name: 'http_requests_shed_total',
    help: 'Requests answered 503 by load shedding, by the pressure that triggered it (eventLoopDelay, eventLoopUtilization, heapUsedBytes)',
    labelNames: ['reason'] as const,
    registers: [this.registry]
  })

  readonly hookEvaluations = new Counter({
    name: 'cds_hook_evaluations_total',
    help: 'Hook calls evaluated by the clinical engine, by service id',
    labelNames: ['service'] as const,
    registers: [this.registry]
  })

  readonly cards = new Counter({
    name: 'cds_cards_total',
    help: 'Cards returned, by rule id and indicator',
    labelNames: ['rule', 'indicator'] as const,
    registers: [this.registry]
  })

  readonly feedback = new Counter({
    name: 'cds_feedback_total',
    help: 'Card feedback received: suggestions accepted and cards overridden, by rule id and override reason (one of the cards\' codes, "other" for any other, "none" when accepted)',
    labelNames: ['outcome', 'rule', 'reason'] as const,
    registers: [this.registry]
  })

  readonly fhirFetchDuration = new Histogram({
    name: 'fhir_fetch_duration_seconds',
    help: 'Calls to EHR FHIR servers by outcome (ok, http_4xx, http_5xx, timeout, aborted, network, refused, circuit_open, invalid_response)',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 1, 2],
    registers: [this.registry]
  })

  readonly fhirFetchErrors = new Counter({
    name: 'fhir_fetch_errors_total',
    help: 'Failed calls to EHR FHIR servers by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry]
  })

  readonly jwtFailures = new Counter({
    name: 'cds_jwt_failures_total',
    help: 'Refused CDS client JWTs by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry]
  })

  readonly storeWriteDuration = new Histogram({
    name: 'cds_store_write_duration_seconds',
    help: 'Time from submitting a record to the store until it is durable, by kind',
    labelNames: ['kind'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry]
  })

  readonly storeBatchSize = new Histogram({
    name: 'cds_store_batch_size',
    help: 'Records made durable together by one group-commit transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry]
  })

  readonly storeWriteFailures = new Counter({
    name: 'cds_store_write_failures_total',
    help: 'Group-commit transactions that failed (their requests were answered 503)',
    registers: [this.registry]
  })

  readonly circuitState = new Gauge({
    name: 'fhir_circuit_breaker_state',
    help: 'Circuit breaker state per allow-listed FHIR origin (0 closed, 1 half-open, 2 open)',
    labelNames: ['origin'] as const,
    registers: [this.registry]
  })

  /** Registered only when CDS_REDIS_URL is set (see src/app.ts): without Redis there is nothing to be up. */
  readonly sharedCacheUp = new Gauge({
    name: 'cds_shared_cache_up',
    help: 'Whether the shared Redis answers (1) or replay protection and rate limits have fallen back to this instance (0)',
    registers: []
  })

  constructor (options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }
}
