// The freelancer's private Realtime channel `freelancer:{id}`: new notifications and
// request status changes arrive here, pushed from the database (no polling).
import { api } from './api.js'
import { supabase } from './session.js'

let channel = null
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
  notification: ['id', 'request_id', 'type', 'title', 'message', 'is_read', 'created_at', 'read_at'],
  notification_updated: ['id', 'request_id', 'type', 'is_read', 'read_at'],
  request_status: ['request_id', 'status', 'previous_status', 'responded_at'],
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

// A new notification's broadcast carries ids and its title only (its text names the
// client, and Realtime stores what it carries): the text is read through the API.
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
    if (event === 'notification') withText(known(event, payload))
    else if (Object.hasOwn(KNOWN_KEYS, event)) emit(event, known(event, payload))
    else emit('refetch', {})
  })
  channel.subscribe((status) => onStatus(status))
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
