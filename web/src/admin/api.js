// The operator console's calls to the admin_api function (staff only).
import { call } from '../api.js'

const base = '/admin_api'
const query = (params) => {
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(params || {})) if (value !== '' && value != null) q.set(key, String(value))
  const text = q.toString()
  return text ? `?${text}` : ''
}

export const adminApi = {
  me: () => call(`${base}/me`),
  kpis: (period) => call(`${base}/kpis${query(period)}`),
  series: (period, bucket) => call(`${base}/series${query({ ...period, bucket })}`),
  freelancers: (period) => call(`${base}/freelancers${query(period)}`),
  activity: (filters, limit, offset) => call(`${base}/activity${query({ ...filters, limit, offset })}`),
  activityCsv: (filters) => call(`${base}/activity.csv${query(filters)}`, { raw: true }),
  queue: (name, limit, offset) => call(`${base}/${name}${query({ limit, offset })}`),
  retryDeadLetter: (id) => call(`${base}/dead-letters/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
  reviewFlag: (id, decision) => call(`${base}/flagged/${encodeURIComponent(id)}/${decision}`, { method: 'POST' }),
  resendEmail: (id) => call(`${base}/emails/${encodeURIComponent(id)}/resend`, { method: 'POST' }),
}
