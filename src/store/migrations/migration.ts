// A schema change, numbered from 1 without gaps. Applied in order at boot, each in its own
// transaction, and recorded in `schema_migrations`; an applied migration is never edited, only followed.
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/** Checks that a list is numbered 1, 2, 3… so a missing or duplicated file is caught at boot. */
export function checkedMigrations (list: readonly Migration[]): readonly Migration[] {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration "${m.name}" is numbered ${m.version}, expected ${i + 1}`)
  })
  return list
}

/** The store was migrated by a newer release than this one: refuse rather than misread it. */
export function tooNew (found: number, known: number): Error {
  return new Error(`the audit store's schema is at version ${found} but this cat-cds knows only up to ${known}; run a release that matches the store`)
}
