// The chat function over HTTP. Errors carry the server's stable code.
import { FUNCTIONS_URL } from '../config.js'

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

export function chatApi(getToken) {
  const base = `${FUNCTIONS_URL}/chat`

  async function call(path, { method = 'GET', json, form } = {}) {
    const headers = {}
    const token = await getToken()
    if (token) headers.Authorization = `Bearer ${token}`
    let body
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(json)
    } else if (form) {
      body = form
    }
    let res
    try {
      res = await fetch(base + path, { method, headers, body })
    } catch {
      throw new ApiError(0, 'network', 'network')
    }
    const data = await res.json().catch(() => ({}))
    if (!res.ok) throw new ApiError(res.status, data?.error?.code || 'generic', data?.error?.message)
    return data
  }

  return {
    summary: (chatId) => call(`/${chatId}`),
    messages: (chatId, before) =>
      call(`/${chatId}/messages?limit=40${before ? `&before=${encodeURIComponent(before)}` : ''}`),
    send: (chatId, text) => call(`/${chatId}/messages`, { method: 'POST', json: { text } }),
    upload: (chatId, file, caption = '') => {
      const form = new FormData()
      form.append('file', file)
      form.append('caption', caption)
      return call(`/${chatId}/attachments`, { method: 'POST', form })
    },
    attachment: (chatId, messageId) => call(`/${chatId}/attachments/${messageId}`),
    received: (chatId) => call(`/${chatId}/received`, { method: 'POST' }),
    read: (chatId) => call(`/${chatId}/read`, { method: 'POST' }),
    deliver: (chatId) => call(`/${chatId}/deliver`, { method: 'POST' }),
    complete: (chatId) => call(`/${chatId}/complete`, { method: 'POST' }),
    rate: (chatId, rating, comment) =>
      call(`/${chatId}/rate`, { method: 'POST', json: { rating, comment } }),
    cancel: (chatId, reason) => call(`/${chatId}/cancel`, { method: 'POST', json: { reason } }),
  }
}

export async function openClientSession(token) {
  let res
  try {
    res = await fetch(`${FUNCTIONS_URL}/chat/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    })
  } catch {
    throw new ApiError(0, 'network', 'network')
  }
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw new ApiError(res.status, data?.error?.code || 'generic', data?.error?.message)
  return data
}
