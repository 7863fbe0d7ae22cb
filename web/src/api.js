// The one HTTP client of every page: JSON in and out, and one error type that
// carries the server's stable code ({"error": {"code", "message"}}).
// Dashboard and console calls use the signed-in user's access token (a 401 gets one
// refresh-and-retry; after that the session is over); the chat page passes its own.
import { FUNCTIONS_URL } from './config.js'
import { getLang } from './i18n.js'
import { currentSession, refresh } from './session.js'

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code)
    this.status = status
    this.code = code
  }
}

// One request to a function. `token`: a bearer token (or nothing); `json` or
// `form` for a body; `raw` returns the body as text.
export async function request(path, { method = 'GET', json, form, token, raw = false, keepalive = false } = {}) {
  const headers = {}
  if (token) headers.Authorization = `Bearer ${token}`
  let body
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(json)
  } else if (form) {
    body = form
  }
  let response
  try {
    response = await fetch(`${FUNCTIONS_URL}${path}`, { method, headers, body, keepalive })
  } catch {
    throw new ApiError(0, 'network', 'network')
  }
  if (raw && response.ok) return response.text()
  const data = await response.json().catch(() => ({}))
  if (!response.ok) {
    const error = data?.error || {}
    throw new ApiError(response.status, error.code || 'generic', error.message || response.statusText)
  }
  return data
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
  try {
    return await request(path, { method, json: body, raw, token: session.access_token })
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && !retried) {
      if (await refresh()) return call(path, { method, body, raw }, true)
      onSessionLost()
    }
    throw err
  }
}

const dash = '/dashboard_api'
export const api = {
  me: () => call(`${dash}/me`),
  notifications: (offset = 0) => call(`${dash}/notifications?limit=50&offset=${offset}&lang=${getLang()}`),
  changes: (since) => call(`${dash}/changes?since=${encodeURIComponent(since)}&lang=${getLang()}`),
  notification: (id) => call(`${dash}/notifications/${encodeURIComponent(id)}?lang=${getLang()}`),
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
