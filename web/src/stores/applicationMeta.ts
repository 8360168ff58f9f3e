import { defineStore } from 'pinia'
import { ref } from 'vue'
import { applicationsApi, type ApplicationMeta } from '../api/applications'

/**
 * The form's reference lists as crates/domain/src/application.rs defines them; used until
 * (or if) GET /api/meta/application answers, which then wins.
 */
export const DEFAULT_APPLICATION_META: ApplicationMeta = {
  institution_types: [
    { code: 'undergraduate', name: '本科院校（含本科层次职业院校）' },
    { code: 'higher_vocational', name: '高等职业院校' },
  ],
  natures: [
    { code: 'public', name: '公办' },
    { code: 'private', name: '民办' },
  ],
  supporting_projects: [
    { code: 'national_high_level', name: '国家级高水平院校、专业群，国家双一流、双高院校' },
    { code: 'provincial_high_level', name: '省级高水平院校、专业群' },
    { code: 'national_training_base', name: '国家级实训基地' },
    { code: 'provincial_training_base', name: '省级实训基地' },
    { code: 'self_funded_project', name: '院校自筹项目' },
    { code: 'other', name: '其他' },
  ],
  funding_sources: [
    { code: 'central_subsidised_loan', name: '中央贴息贷款' },
    { code: 'commercial_loan', name: '普通商业贷款' },
    { code: 'central_finance', name: '中央财政投入' },
    { code: 'provincial_finance', name: '省级财政投入' },
    { code: 'self_raised', name: '院校自筹经费' },
    { code: 'other', name: '其他' },
  ],
  partner_categories: [
    { code: 'little_giant', name: '国家专精特新“小巨人”企业' },
    { code: 'provincial_srdi', name: '省级“专精特新”企业' },
    { code: 'sme_center', name: '地方（地市级以上）中小企业中心' },
    { code: 'association', name: '行业协会' },
    { code: 'park', name: '产业园区' },
    { code: 'other', name: '其他' },
  ],
  commitment_text: '本申报材料真实有效，学校将为建设提供设施、组织、经费等保障。',
  limits: { name: 100, short: 50, profile: 3000, prose: 5000, partners: 20 },
  plan_headings: [
    { code: 'management_body', name: '联合管理机构' },
    { code: 'research_institute', name: '产教融合研究院' },
    { code: 'teaching_resource_center', name: '教育教学与资源中心' },
    { code: 'practice_training_center', name: '实践与实训中心' },
    { code: 'innovation_cooperation_center', name: '创新合作中心' },
    { code: 'smart_cloud_platform', name: '专精特新产教融合智慧云平台' },
  ],
}

/** GET /api/meta/application, loaded once; defaults meanwhile so the form always renders. */
export const useApplicationMetaStore = defineStore('applicationMeta', () => {
  const meta = ref<ApplicationMeta>(DEFAULT_APPLICATION_META)
  const loaded = ref(false)
  let pending: Promise<ApplicationMeta> | null = null

  function load(): Promise<ApplicationMeta> {
    if (loaded.value) return Promise.resolve(meta.value)
    pending ??= applicationsApi
      .meta()
      .then((m) => {
        meta.value = { ...DEFAULT_APPLICATION_META, ...m, limits: { ...DEFAULT_APPLICATION_META.limits, ...(m.limits ?? {}) } }
        loaded.value = true
        return meta.value
      })
      .catch(() => meta.value)
      .finally(() => {
        pending = null
      })
    return pending
  }

  function name(list: keyof Pick<ApplicationMeta, 'institution_types' | 'natures' | 'supporting_projects' | 'funding_sources' | 'partner_categories' | 'plan_headings'>, code: string | null | undefined): string {
    if (!code) return ''
    return meta.value[list].find((c) => c.code === code)?.name ?? code
  }

  return { meta, loaded, load, name }
})
