import { t } from './i18n.js'

// Riyadh is UTC+3 all year (no daylight saving), so the wall clock is exact.
const RIYADH_OFFSET_MS = 3 * 3600 * 1000

// "22 أغسطس 2025 - 8:30 مساءً" (the spec's format), "22 August 2025 - 8:30 PM" in English.
export function riyadhDateTime(iso) {
  if (!iso) return t('none')
  const d = new Date(new Date(iso).getTime() + RIYADH_OFFSET_MS)
  const months = t('months').split(' ')
  const hours = d.getUTCHours()
  const hour12 = hours % 12 === 0 ? 12 : hours % 12
  const minutes = String(d.getUTCMinutes()).padStart(2, '0')
  const period = hours < 12 ? t('am') : t('pm')
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} - ${hour12}:${minutes} ${period}`
}

// "23:59:08" until expiry; null once it has passed.
export function remaining(expiresAt, now = Date.now()) {
  const left = Math.floor((new Date(expiresAt).getTime() - now) / 1000)
  if (left <= 0) return null
  const h = Math.floor(left / 3600)
  const m = Math.floor((left % 3600) / 60)
  const s = left % 60
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':')
}
