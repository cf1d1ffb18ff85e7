// A clinical-engine double for the audit tests: answers every call with one real-shaped card and the
// decisions behind it (one rule fired with the card, one evaluated without firing), as the CAT engine
// will. The cards validate against the strict CDS Hooks card model.
import { randomUUID } from 'node:crypto'
import type { CdsEngine, EngineResult } from '../../src/cds/engine-contract.js'
import type { Card } from '../../src/cds/response.js'

export const FIRED_RULE = 'CAT-TEST-1'
export const QUIET_RULE = 'CAT-TEST-2'

export function cardIssuingEngine (): CdsEngine & { readonly issued: EngineResult[] } {
  const issued: EngineResult[] = []
  return {
    issued,
    evaluate: () => {
      const card: Card = {
        uuid: randomUUID(),
        summary: 'Test card: consider an alternative anticoagulant',
        indicator: 'warning',
        source: { label: 'CAT-CDS test double', topic: { system: 'urn:cat-cds:test-rules', code: FIRED_RULE } },
        suggestions: [{ label: 'Use the alternative', uuid: randomUUID(), isRecommended: true }],
        selectionBehavior: 'at-most-one',
        overrideReasons: [{ system: 'urn:cat-cds:test-override', code: 'discussed', display: 'Discussed with haematology' }]
      }
      const result: EngineResult = {
        cards: [card],
        decisions: [
          { ruleId: FIRED_RULE, ruleVersion: '1.0.0', fired: true, cardUuid: card.uuid, indicator: 'warning', inputs: { crClMlMin: 28.4, plateletsPerMicroL: 48000, measuredOn: '2026-10-30' } },
          { ruleId: QUIET_RULE, ruleVersion: '1.0.0', fired: false, inputs: { activeCancer: true } }
        ]
      }
      issued.push(result)
      return result
    }
  }
}
