// The contract between the protocol layer and the clinical engine (src/engine.ts implements it). The
// route hands the engine a validated request and the data gathered for it; the engine answers with
// cards and the decisions behind them (for the audit trail). Engines are synchronous and do no I/O.
import type { Card } from './response.js'
import type { HookRequest } from './request.js'
import type { ServiceDefinition } from './services.js'

export interface HookCall {
  readonly service: ServiceDefinition
  readonly request: HookRequest
  /**
   * Prefetch keys resolved to data: a resource or Bundle, or `null` for "known to be empty".
   * A key that is absent could not be obtained.
   */
  readonly data: Readonly<Record<string, unknown>>
  readonly now: Date
}

/** One rule's verdict for one call, as recorded in the audit trail. */
export interface Decision {
  readonly ruleId: string
  readonly ruleVersion: string
  readonly fired: boolean
  readonly cardUuid?: string
  readonly indicator?: Card['indicator']
  /** The input values the rule used (numbers, codes, dates; never whole resources). */
  readonly inputs?: Readonly<Record<string, unknown>>
}

export interface EngineResult {
  readonly cards: Card[]
  readonly decisions: Decision[]
}

export interface CdsEngine {
  evaluate (call: HookCall): EngineResult
  /**
   * Resolves once the rules are loaded and compiled, rejects while they are not; reported as the
   * `rules` readiness check. An engine that is ready as soon as it exists leaves it out.
   */
  ready? (): Promise<void>
}
