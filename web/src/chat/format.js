// Times and days as people read them in Riyadh (UTC+3, no daylight saving).
import { t } from './i18n.js'

const RIYADH_MS = 3 * 3600 * 1000

function riyadh(iso) {
  return new Date(new Date(iso).getTime() + RIYADH_MS)
}

export function clock(iso) {
  const d = riyadh(iso)
  const h = d.getUTCHours()
  const h12 = h % 12 === 0 ? 12 : h % 12
  return `${h12}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? t('am') : t('pm')}`
}

export function dayKey(iso) {
  const d = riyadh(iso)
  return `${d.getUTCFullYear()}-${d.getUTCMonth()}-${d.getUTCDate()}`
}

export function dayLabel(iso, now = Date.now()) {
  const key = dayKey(iso)
  if (key === dayKey(new Date(now).toISOString())) return t('today')
  if (key === dayKey(new Date(now - 86400000).toISOString())) return t('yesterday')
  const d = riyadh(iso)
  return `${d.getUTCDate()} ${t('months').split(' ')[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

export function fileSize(bytes) {
  if (bytes == null) return ''
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
