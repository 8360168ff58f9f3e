import { http } from './http'
import type { Meta } from './types'

export const metaApi = {
  get: () => http.get<Meta>('/api/meta'),
}
