// Calls to the HTTP functions with the freelancer's access token. A 401 gets one
// refresh-and-retry; after that the session is over and the app signs out.
import { FUNCTIONS_URL } from './config.js'
import { currentSession, refresh } from './session.js'

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

let onSessionLost = () => {}
export function whenSessionLost(callback) {
  onSessionLost = callback
}

export async function call(path, { method = 'GET', body, raw = false } = {}, retried = false) {
  const session = await currentSession()
  if (!session) {
    onSessionLost()
    throw new ApiError(401, 'missing_token', 'not signed in')
  }
  const response = await fetch(`${FUNCTIONS_URL}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${session.access_token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  if (response.status === 401 && !retried) {
    if (await refresh()) return call(path, { method, body, raw }, true)
    onSessionLost()
  }
  if (raw && response.ok) return response.text()
  const data = await response.json().catch(() => ({}))
  if (!response.ok) {
    const error = data.error || {}
    throw new ApiError(response.status, error.code || 'error', error.message || response.statusText)
  }
  return data
}

const dash = '/dashboard_api'
export const api = {
  me: () => call(`${dash}/me`),
  notifications: (offset = 0) => call(`${dash}/notifications?limit=50&offset=${offset}`),
  markRead: (ids) => call(`${dash}/notifications/read`, { method: 'POST', body: ids ? { ids } : { all: true } }),
  requests: ({ status, q, page }) => {
    const params = new URLSearchParams({ page: String(page || 1), page_size: '20' })
    if (status) params.set('status', status)
    if (q) params.set('q', q)
    return call(`${dash}/requests?${params}`)
  },
  request: (id) => call(`${dash}/requests/${encodeURIComponent(id)}`),
  chats: () => call(`${dash}/chats`),
  chat: (id) => call(`${dash}/chats/${encodeURIComponent(id)}`),
  respond: (requestId, action, message) =>
    call('/respond_request', { method: 'POST', body: { request_id: requestId, action, ...(message ? { message } : {}) } }),
}
