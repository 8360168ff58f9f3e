import { useI18n } from 'vue-i18n'
import { useMetaStore } from '../stores/meta'

/** i18n labels for enum-like codes, falling back to the code itself for anything unknown. */
export function useLabels() {
  const { t, te } = useI18n()
  const metaStore = useMetaStore()

  function label(group: string, code: string | null | undefined): string {
    if (!code) return ''
    const key = `${group}.${code}`
    return te(key) ? t(key) : code
  }

  return {
    role: (code: string | null | undefined) => label('roles', code),
    orgKind: (code: string | null | undefined) => label('org_kinds', code),
    universityType: (code: string | null | undefined) => label('university_types', code),
    universityNature: (code: string | null | undefined) => label('university_natures', code),
    srdiLevel: (code: string | null | undefined) => label('srdi_levels', code),
    auditAction: (code: string | null | undefined) => label('audit_actions', code),
    auditObject: (code: string | null | undefined) => label('audit_objects', code),
    auditResult: (code: string | null | undefined) => label('audit_results', code),
    /** Fields: catalogue first (so English works), then the server's name, then the code. */
    field: (code: string | null | undefined) => {
      if (!code) return ''
      const key = `fields.${code}`
      return te(key) ? t(key) : (metaStore.fieldNames.get(code) ?? code)
    },
    province: (code: string | null | undefined) => metaStore.provinceName(code),
  }
}
