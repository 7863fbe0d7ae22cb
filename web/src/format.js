// Dates, times and numbers for every page, through Intl in Riyadh time (no
// hand-rolled offsets or month names). Arabic uses the Gregorian calendar; the
// period word comes from the catalogue so it is the same everywhere («صباحًا»).
import { getLang, t } from './i18n.js'

export const TIME_ZONE = 'Asia/Riyadh'

// Latin digits for dates and amounts (as in the spec's card); the operator
// console asks for Arabic-Indic digits.
export function locale({ arabicDigits = false, lang = getLang() } = {}) {
  if (lang !== 'ar') return 'en-GB'
  return `ar-u-ca-gregory-nu-${arabicDigits ? 'arab' : 'latn'}`
}

const formats = new Map()
function dateFormat(loc, options) {
  const key = `${loc}|${JSON.stringify(options)}`
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(loc, { timeZone: TIME_ZONE, ...options }))
  return formats.get(key)
}

function valid(iso) {
  const d = iso instanceof Date ? iso : new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

// "8:30 مساءً" / "8:30 PM"
export function clock(iso, options = {}) {
  const d = valid(iso)
  if (!d) return t('none')
  const hour = Number(dateFormat('en-GB', { hour: '2-digit', hourCycle: 'h23' }).format(d))
  return dateFormat(locale(options), { hour: 'numeric', minute: '2-digit', hour12: true })
    .formatToParts(d)
    .map((part) => (part.type === 'dayPeriod' ? t(hour < 12 ? 'am' : 'pm') : part.value))
    .join('')
}

// "22 أغسطس 2025"
export function date(iso, options = {}) {
  const d = valid(iso)
  if (!d) return t('none')
  return dateFormat(locale(options), { day: 'numeric', month: 'long', year: 'numeric' }).format(d)
}

// "22 أغسطس 2025 - 8:30 مساءً" (the spec's format), "22 August 2025 - 8:30 PM".
export function riyadhDateTime(iso, options = {}) {
  if (!iso || !valid(iso)) return t('none')
  return `${date(iso, options)} - ${clock(iso, options)}`
}

// The calendar day in Riyadh, "2025-08-22".
export function dayKey(iso) {
  return dateFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(valid(iso) || new Date(0))
}

export function dayLabel(iso, now = Date.now()) {
  const key = dayKey(iso)
  if (key === dayKey(new Date(now))) return t('today')
  if (key === dayKey(new Date(now - 86400000))) return t('yesterday')
  return date(iso)
}

export function number(n, options = {}) {
  const { arabicDigits, ...rest } = options
  return new Intl.NumberFormat(locale({ arabicDigits }), rest).format(n)
}

export function fileSize(bytes) {
  if (bytes == null) return ''
  if (bytes < 1024) return number(bytes, { style: 'unit', unit: 'byte', unitDisplay: 'short' })
  if (bytes < 1024 * 1024) return number(bytes / 1024, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 0 })
  return number(bytes / 1024 / 1024, { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 1 })
}

// "23:59:08" until expiry; null once it has passed.
export function remaining(expiresAt, now = Date.now()) {
  const left = Math.floor((new Date(expiresAt).getTime() - now) / 1000)
  if (left <= 0) return null
  const hours = Math.floor(left / 3600)
  const minutes = Math.floor((left % 3600) / 60)
  const seconds = left % 60
  return [hours, minutes, seconds].map((n) => String(n).padStart(2, '0')).join(':')
}
