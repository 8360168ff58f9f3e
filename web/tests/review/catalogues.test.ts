import { describe, expect, it } from 'vitest'
import { testTranslator } from '../translator'

const zh = testTranslator('zh-CN')
const en = testTranslator('en')

describe('message catalogues', () => {
  it('have every review key the new views use, in both languages', () => {
    // sources as text through Vite (no Node types in this project)
    const sources = {
      ...import.meta.glob('../../src/views/review/*.{vue,ts}', { query: '?raw', import: 'default', eager: true }),
      ...import.meta.glob('../../src/layout/AppFrame.vue', { query: '?raw', import: 'default', eager: true }),
      ...import.meta.glob('../../src/router.ts', { query: '?raw', import: 'default', eager: true }),
    } as Record<string, string>
    expect(Object.keys(sources).length).toBeGreaterThan(15)
    const keys = new Set<string>()
    for (const src of Object.values(sources)) {
      // t('…') calls and route / menu titles
      for (const m of src.matchAll(/(?:\bt\(\s*|title:\s*)['"`]((?:review|nav|errors)\.[a-z_]+(?:\.[a-z_0-9]+)*)['"`]/g)) keys.add(m[1]!)
    }
    expect(keys.size).toBeGreaterThan(100)
    const missing = [...keys].filter((k) => !zh.te(k) || !en.te(k))
    expect(missing).toEqual([])
  })
})
