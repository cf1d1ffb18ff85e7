// Anticoagulants `cat-cds invoke --drug` can order by name or RxNorm code. Every code comes from
// the project's code lists (docs/clinical/codes.md#medications: ingredient codes verified against the US
// Core allergy-substance value set; product (SCD) codes from the VSAC "Anticoagulants for All
// Indications" value set 2.16.840.1.113762.1.4.1248.22). Drugs whose codes are UNVERIFIED there
// (dalteparin, tinzaparin, fondaparinux, the edoxaban ingredient) are not offered: order them
// with `--order FILE`. The clinical engine keeps its own terminology in src/terminology/; this
// table only builds a draft order for testing and should be folded into it.

export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'

export interface Drug {
  rxcui: string
  /** Lower-case name as typed: ingredient, or ingredient and strength (`apixaban 5 mg`). */
  name: string
  kind: 'ingredient' | 'product'
}

const DRUGS: readonly Drug[] = [
  { rxcui: '1364430', name: 'apixaban', kind: 'ingredient' },
  { rxcui: '1364435', name: 'apixaban 2.5 mg', kind: 'product' },
  { rxcui: '1364445', name: 'apixaban 5 mg', kind: 'product' },
  { rxcui: '1114195', name: 'rivaroxaban', kind: 'ingredient' },
  { rxcui: '1114198', name: 'rivaroxaban 10 mg', kind: 'product' },
  { rxcui: '1232082', name: 'rivaroxaban 15 mg', kind: 'product' },
  { rxcui: '1232086', name: 'rivaroxaban 20 mg', kind: 'product' },
  { rxcui: '1599543', name: 'edoxaban 15 mg', kind: 'product' },
  { rxcui: '1599551', name: 'edoxaban 30 mg', kind: 'product' },
  { rxcui: '1599555', name: 'edoxaban 60 mg', kind: 'product' },
  { rxcui: '1037042', name: 'dabigatran etexilate', kind: 'ingredient' },
  { rxcui: '1037179', name: 'dabigatran etexilate 75 mg', kind: 'product' },
  { rxcui: '1723476', name: 'dabigatran etexilate 110 mg', kind: 'product' },
  { rxcui: '1037045', name: 'dabigatran etexilate 150 mg', kind: 'product' },
  { rxcui: '11289', name: 'warfarin', kind: 'ingredient' },
  { rxcui: '67108', name: 'enoxaparin', kind: 'ingredient' },
  { rxcui: '5224', name: 'heparin', kind: 'ingredient' }
]

const ALIASES: Record<string, string> = { dabigatran: 'dabigatran etexilate' }

/** `Apixaban 5MG` → `apixaban 5 mg`; aliases (`dabigatran`) → the table's name. */
function normalise (input: string): string {
  const words = input.trim().toLowerCase().replace(/(\d)(mg)\b/g, '$1 $2').split(/\s+/)
  const joined = words.join(' ')
  for (const [alias, name] of Object.entries(ALIASES)) {
    if (joined === alias || joined.startsWith(`${alias} `)) {
      if (!joined.startsWith(name)) return name + joined.slice(alias.length)
    }
  }
  return joined
}

/** The drug `input` (name, name and strength, or RxCUI) stands for, if the table has it. */
export function findDrug (input: string): Drug | undefined {
  const wanted = /^\d+$/.test(input.trim()) ? input.trim() : normalise(input)
  return DRUGS.find((d) => d.rxcui === wanted || d.name === wanted)
}

export function knownDrugNames (): string[] {
  return DRUGS.map((d) => `${d.name} (${d.rxcui})`)
}
