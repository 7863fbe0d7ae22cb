// The freelancer's private Realtime channel `freelancer:{id}`: new notifications and
// request status changes arrive here, pushed from the database (no polling).
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

export async function connectLive(topic, accessToken, onStatus) {
  await disconnectLive()
  supabase.realtime.setAuth(accessToken)
  channel = supabase.channel(topic, { config: { private: true } })
  for (const event of ['notification', 'notification_updated', 'request_status']) {
    channel.on('broadcast', { event }, (message) => emit(event, message.payload))
  }
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
