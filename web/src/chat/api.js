// The chat function over HTTP, through the shared client and its error type.
import { ApiError, request } from '../api.js'

export { ApiError }

export function chatApi(getToken) {
  const base = '/chat'
  const call = async (path, options = {}) => request(base + path, { ...options, token: await getToken() })

  return {
    summary: (chatId) => call(`/${chatId}`),
    messages: (chatId, before) =>
      call(`/${chatId}/messages?limit=40${before ? `&before=${encodeURIComponent(before)}` : ''}`),
    // Catch-up: what arrived after a cursor (oldest first, with the next cursor).
    since: (chatId, cursor) => call(`/${chatId}/messages?limit=200&since=${encodeURIComponent(cursor)}`),
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
    viewing: (chatId, open) => call(`/${chatId}/viewing`, { method: 'POST', json: { open } }),
    deliver: (chatId) => call(`/${chatId}/deliver`, { method: 'POST' }),
    complete: (chatId) => call(`/${chatId}/complete`, { method: 'POST' }),
    rate: (chatId, rating, comment) =>
      call(`/${chatId}/rate`, { method: 'POST', json: { rating, comment } }),
    cancel: (chatId, reason) => call(`/${chatId}/cancel`, { method: 'POST', json: { reason } }),
  }
}

export function openClientSession(token) {
  return request('/chat/session', { method: 'POST', json: { token } })
}
