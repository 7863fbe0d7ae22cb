// Numbers, percentages, durations and times for the console, in the viewer's
// language and in Riyadh time, through Intl.
import { locale as sharedLocale, TIME_ZONE } from '../format.js'
import { t } from '../i18n.js'

// The console reads its figures in Arabic-Indic digits; the calendar is Gregorian.
const locale = () => sharedLocale({ arabicDigits: true })

export const number = (n) => new Intl.NumberFormat(locale()).format(n)

export function percent(ratio) {
  if (ratio === null || ratio === undefined) return '—'
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(Number(ratio))
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—'
  const minutes = Math.round(Number(seconds) / 60)
  if (minutes < 120) return t('minutes', { n: number(minutes) })
  return t('hours', { n: new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(minutes / 60) })
}

export function rating(value) {
  if (value === null || value === undefined) return '—'
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(Number(value))} / ${number(5)}`
}

export function dateTime(iso) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short',
  }).format(new Date(iso))
}

export function day(iso) {
  return new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', day: 'numeric', month: 'short' })
    .format(new Date(`${iso}T00:00:00Z`))
}

// Today in Riyadh as YYYY-MM-DD, and n days before it.
export function riyadhDay(offsetDays = 0) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(Date.now() - offsetDays * 86400000))
  return parts
}
