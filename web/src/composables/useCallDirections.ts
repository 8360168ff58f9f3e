import { ref } from 'vue'
import { callsApi } from '../api/calls'
import type { CodeName } from '../api/common'

const cache = new Map<number, CodeName[]>()

/** The 申报方向 list of a call: the public list first, then GET /api/calls/{id} (staff, drafts). */
export async function callDirections(callId: number): Promise<CodeName[]> {
  const hit = cache.get(callId)
  if (hit) return hit
  try {
    for (const c of await callsApi.listPublic()) cache.set(c.id, c.directions)
  } catch {
    /* fall through */
  }
  if (!cache.has(callId)) {
    try {
      cache.set(callId, (await callsApi.get(callId)).directions)
    } catch {
      return []
    }
  }
  return cache.get(callId) ?? []
}

export function useCallDirections() {
  const directions = ref<CodeName[]>([])
  async function load(callId: number) {
    directions.value = await callDirections(callId)
  }
  return { directions, load }
}
