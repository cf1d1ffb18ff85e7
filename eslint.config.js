import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'dist-bench/**', 'coverage/**', 'data/**', 'node_modules/**', 'review-pack/**', 'src/pages/rule-examples.generated.ts'] }),
  {
    rules: {
      // A zod schema and its inferred type share a name by design (`const Card = z.object(…)`,
      // `type Card = z.infer<typeof Card>`); TypeScript itself reports real redeclarations.
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
