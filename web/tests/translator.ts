import { createI18n } from 'vue-i18n'
import zhCN from '../src/locales/zh-CN'
import en from '../src/locales/en'
import type { Translator } from '../src/i18n'

/** A real vue-i18n instance over the real catalogues, without the browser-only bits of src/i18n.ts. */
export function testTranslator(locale: 'zh-CN' | 'en'): Translator {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return {
    t: (key, named) => (named ? i18n.global.t(key, named) : i18n.global.t(key)),
    te: (key) => i18n.global.te(key),
  }
}
