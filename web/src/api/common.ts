/** Shapes shared by every area of the Chanjiao JSON API (the error envelope lives in http.ts). */

export interface Page<T> {
  items: T[]
  total: number
}

export interface CodeName {
  code: string
  name: string
}
