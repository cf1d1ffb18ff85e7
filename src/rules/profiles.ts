// The two policy profiles a site chooses with CDS_GUIDELINE_PROFILE (docs/clinical/decisions.md#policy-profiles). They differ only
// where the guidelines leave a choice: a DOAC for CAT without a hazard (CAT-01). Hazards (CAT-02…05),
// VKA (CAT-06) and early stopping (CAT-07) are judged the same under both.
import type { Profile } from './types.js'

export const PROFILE_DESCRIPTION: Readonly<Record<Profile, string>> = {
  'lmwh-first': 'LMWH preferred by local policy: a DOAC drafted for CAT without a hazard gets a `warning` with a weight-based LMWH suggestion, and the card states plainly that ASCO 2023, ITAC 2022, NCCN, CHEST 2021 and ESC 2022 also accept apixaban/edoxaban/rivaroxaban when no hazard is present.',
  'guideline-2023': 'Current guidelines as written: a DOAC drafted for CAT without a hazard gets an `info` card saying the DOAC is acceptable and listing the checks performed, with no suggestion.'
}
