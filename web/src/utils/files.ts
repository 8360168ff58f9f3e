/** Upload rules of the application attachments (docs/API-applications.md). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024
export const MAX_TOTAL_BYTES = 100 * 1024 * 1024
export const APPLICATION_FILE_ACCEPT = '.pdf,.docx,.xlsx,.jpg,.jpeg,.png'
const EXTENSIONS = ['pdf', 'docx', 'xlsx', 'jpg', 'jpeg', 'png']

export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return ''
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** Client-side pre-check (the server checks the content): null when fine, else an error code. */
export function checkApplicationFile(name: string, size: number, alreadyStored: number): string | null {
  const ext = name.split('.').pop()?.toLowerCase() ?? ''
  if (!EXTENSIONS.includes(ext)) return 'invalid_file_type'
  if (size > MAX_FILE_BYTES) return 'file_too_large'
  if (alreadyStored + size > MAX_TOTAL_BYTES) return 'application_files_too_large'
  return null
}
