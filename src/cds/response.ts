// The CDS Hooks 2.0 response model, strict: what this service writes must validate against it,
// including the invariants cds-resp-1…6 of the specification's CI build. Optional fields are omitted
// rather than sent empty (spec: never `null`, `""`, `[]` or `{}` except `"cards": []`).
import { z } from 'zod'

const text = z.string().min(1)

export const Coding = z.strictObject({
  code: text,
  system: text,
  display: text.optional()
})
export type Coding = z.infer<typeof Coding>

export const Action = z.strictObject({
  type: z.enum(['create', 'update', 'delete']),
  description: text,
  resource: z.looseObject({ resourceType: text }).optional(),
  resourceId: text.optional()
})
export type Action = z.infer<typeof Action>

export const Suggestion = z.strictObject({
  label: text,
  uuid: z.uuid().optional(),
  isRecommended: z.boolean().optional(),
  actions: z.array(Action).min(1).optional()
})
export type Suggestion = z.infer<typeof Suggestion>

export const Link = z.strictObject({
  label: text,
  url: z.url(),
  type: z.enum(['absolute', 'smart']),
  appContext: text.optional(),
  autolaunchable: z.boolean().optional()
})
export type Link = z.infer<typeof Link>

export const Card = z.strictObject({
  uuid: z.uuid(),
  summary: text.max(140),
  detail: text.optional(),
  indicator: z.enum(['info', 'warning', 'critical']),
  source: z.strictObject({
    label: text,
    url: z.url().optional(),
    icon: z.url().optional(),
    topic: Coding.optional()
  }),
  suggestions: z.array(Suggestion).min(1).optional(),
  selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
  overrideReasons: z.array(Coding).min(1).optional(),
  links: z.array(Link).min(1).optional()
}).superRefine((card, ctx) => {
  // cds-resp-6: suggestions require selectionBehavior.
  if (card.suggestions !== undefined && card.selectionBehavior === undefined) {
    ctx.addIssue({ code: 'custom', path: ['selectionBehavior'], message: 'cds-resp-6: required when suggestions are present' })
  }
  // cds-resp-1: at-most-one allows at most one recommended suggestion.
  if (card.selectionBehavior === 'at-most-one' && (card.suggestions ?? []).filter((s) => s.isRecommended === true).length > 1) {
    ctx.addIssue({ code: 'custom', path: ['suggestions'], message: 'cds-resp-1: at-most-one allows at most one isRecommended suggestion' })
  }
  ;(card.suggestions ?? []).forEach((s, i) => {
    ;(s.actions ?? []).forEach((a, j) => {
      // cds-resp-2: a delete names the resource by resourceId and carries no resource body.
      if (a.type === 'delete' && (a.resourceId === undefined || a.resource !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['suggestions', i, 'actions', j], message: 'cds-resp-2: delete needs resourceId and no resource' })
      }
      // create/update carry the whole resource.
      if (a.type !== 'delete' && a.resource === undefined) {
        ctx.addIssue({ code: 'custom', path: ['suggestions', i, 'actions', j], message: `${a.type} needs the resource` })
      }
    })
  })
  // cds-resp-3: appContext only on smart links.
  ;(card.links ?? []).forEach((l, i) => {
    if (l.appContext !== undefined && l.type !== 'smart') {
      ctx.addIssue({ code: 'custom', path: ['links', i, 'appContext'], message: 'cds-resp-3: appContext only for smart links' })
    }
  })
  // cds-resp-4: override reasons need a display for the clinician.
  ;(card.overrideReasons ?? []).forEach((r, i) => {
    if (r.display === undefined) ctx.addIssue({ code: 'custom', path: ['overrideReasons', i, 'display'], message: 'cds-resp-4: display is required' })
  })
  // cds-resp-5 (action description) is enforced by Action.description being required.
})
export type Card = z.infer<typeof Card>

export const CardsResponse = z.strictObject({
  cards: z.array(Card),
  systemActions: z.array(Action).min(1).optional()
})
export type CardsResponse = z.infer<typeof CardsResponse>

export const DiscoveryResponse = z.strictObject({
  services: z.array(z.strictObject({
    hook: text,
    title: text.optional(),
    description: text,
    id: text,
    prefetch: z.record(z.string(), text).optional(),
    usageRequirements: text.optional()
  }))
})
