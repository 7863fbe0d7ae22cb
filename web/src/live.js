// The freelancer's private Realtime channel `freelancer:{id}`: new notifications and
// request changes arrive here, pushed from the database (no polling). On every
// join and rejoin the page asks what changed since its last read (the catch-up
// cursor) and merges it by id, so nothing made while the socket was down is lost.
// A new notification's broadcast carries ids and its title only (its text names the
// client, and Realtime stores what it carries): the text is read through the API.
import { api } from './api.js'
import { supabase } from './session.js'

let channel = null
let cursor = null
const seen = new Set()
const listeners = new Set()

export function onLive(callback) {
  listeners.add(callback)
  return () => listeners.delete(callback)
}

function emit(event, payload) {
  for (const listener of listeners) listener(event, payload)
}

// Only the database sends on this topic, but a payload is still read for known
// keys only, as plain values; any other event just asks the views to refetch.
const KNOWN_KEYS = {
  notification: ['id', 'request_id', 'type', 'title', 'message', 'is_read', 'created_at', 'read_at',
    'title_en', 'message_en', 'chat_id'],
  notification_updated: ['id', 'request_id', 'type', 'is_read', 'read_at'],
  request_status: ['request_id', 'status', 'previous_status', 'responded_at'],
  request_event: ['request_id', 'id', 'event_type', 'created_at'],
  request_email: ['request_id', 'status'],
}

function known(event, payload) {
  const source = payload && typeof payload === 'object' ? payload : {}
  const picked = {}
  for (const key of KNOWN_KEYS[event]) {
    const value = source[key]
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) picked[key] = value
  }
  return picked
}

// The server's clock at the page's first read, and the notifications it showed.
export function startCatchUp(serverTime, notifications = []) {
  cursor = serverTime || cursor
  for (const n of notifications) seen.add(n.id)
}

let catching = null
async function catchUp() {
  if (!cursor || catching) return catching
  catching = (async () => {
    try {
      const changes = await api.changes(cursor)
      cursor = changes.cursor
      if (!changes.complete) {
        emit('refetch', {})
        return
      }
      const fresh = []
      for (const n of changes.notifications) {
        if (seen.has(n.id)) emit('notification_updated', known('notification_updated', n))
        else {
          seen.add(n.id)
          fresh.push(n)
        }
      }
      for (const n of fresh) emit('notification', { ...known('notification', n), caught_up: true })
      emit('caught_up', { request_ids: changes.request_ids.map(String), unread: changes.unread, fresh: fresh.length })
    } catch {
      // The next join asks again from the same cursor.
    } finally {
      catching = null
    }
  })()
  return catching
}

async function withText(picked) {
  try {
    const { notification } = await api.notification(picked.id)
    emit('notification', { ...picked, ...known('notification', notification) })
  } catch {
    emit('refetch', {})
  }
}

export async function connectLive(topic, accessToken, onStatus) {
  await disconnectLive()
  supabase.realtime.setAuth(accessToken)
  channel = supabase.channel(topic, { config: { private: true } })
  channel.on('broadcast', { event: '*' }, ({ event, payload }) => {
    if (!Object.hasOwn(KNOWN_KEYS, event)) return emit('refetch', {})
    const picked = known(event, payload)
    if (event === 'notification') {
      if (seen.has(picked.id)) return
      seen.add(picked.id)
      return withText(picked)
    }
    emit(event, picked)
  })
  channel.subscribe((status) => {
    onStatus(status)
    if (status === 'SUBSCRIBED') catchUp()
  })
}

export function refreshLiveToken(accessToken) {
  if (channel) supabase.realtime.setAuth(accessToken)
}

export async function disconnectLive() {
  if (channel) {
    const old = channel
    channel = null
    await supabase.removeChannel(old)
  }
}
