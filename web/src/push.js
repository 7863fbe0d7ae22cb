// Web Push: the freelancer hears of a request even with the dashboard closed.
// Opt-in from the top bar: the service worker (/sw.js) subscribes this browser
// with the server's VAPID public key (config.js), the subscription goes to
// dashboard_api (stored for this freelancer only), and the worker pushes every
// new notification to it. Android Chrome and desktop browsers subscribe from the
// page; iPhones only from the installed app (Add to Home Screen, iOS 16.4+).
import { call } from './api.js'
import { h } from './dom.js'
import { t } from './i18n.js'
import { BellPlus, BellRing, createElement } from 'lucide'

const VAPID_PUBLIC_KEY = (window.KHADUM_CONFIG || {}).vapidPublicKey || ''
const state = { status: 'unknown', registration: null, buttons: new Set() }

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0))
}

function isIos() {
  return /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1)
}

function standalone() {
  return window.matchMedia?.('(display-mode: standalone)').matches || navigator.standalone === true
}

export function pushAvailable() {
  return Boolean(VAPID_PUBLIC_KEY) && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
}

function say(text) {
  document.getElementById('push-alert')?.remove()
  const note = h('div', { class: 'alert', role: 'status', id: 'push-alert' }, text)
  document.body.append(note)
  setTimeout(() => note.remove(), 7000)
}

function setStatus(status) {
  state.status = status
  for (const button of state.buttons) {
    if (!button.isConnected) {
      state.buttons.delete(button)
      continue
    }
    paint(button)
  }
}

function paint(button) {
  const on = state.status === 'on'
  const label = state.status === 'working' ? t('push_working') : on ? t('push_on') : t('push_enable')
  button.dataset.push = state.status
  button.hidden = state.status === 'unsupported'
  button.disabled = state.status === 'working' || state.status === 'unknown'
  button.title = on ? t('push_on_hint') : t('push_enable_hint')
  button.setAttribute('aria-pressed', on ? 'true' : 'false')
  // Not the menu's plain bell: a bell with a plus to turn alerts on, ringing when on.
  const glyph = createElement(on ? BellRing : BellPlus, {
    width: 18, height: 18, 'aria-hidden': 'true', focusable: 'false', class: `icon icon-push-${on ? 'on' : 'off'}`,
  })
  button.replaceChildren(glyph, h('span', { class: 'nav-label' }, label))
}

async function tellServer(subscription) {
  await call('/dashboard_api/push/subscriptions', {
    method: 'POST', body: { ...subscription.toJSON(), user_agent: navigator.userAgent.slice(0, 500) },
  })
}

// Once per sign-in: the worker is registered and an existing subscription is
// (re)claimed for whoever is signed in now.
export async function initPush() {
  if (!pushAvailable()) {
    setStatus(isIos() && !standalone() ? 'ios-install' : 'unsupported')
    return
  }
  try {
    state.registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' })
    await navigator.serviceWorker.ready
    const existing = await state.registration.pushManager.getSubscription()
    if (existing && Notification.permission === 'granted') {
      await tellServer(existing)
      setStatus('on')
    } else {
      setStatus(Notification.permission === 'denied' ? 'denied' : 'off')
    }
  } catch {
    setStatus('off')
  }
}

async function enable() {
  setStatus('working')
  try {
    const permission = await Notification.requestPermission()
    if (permission !== 'granted') {
      setStatus(permission === 'denied' ? 'denied' : 'off')
      say(t('push_denied'))
      return
    }
    const registration = state.registration || await navigator.serviceWorker.register('/sw.js', { scope: '/' })
    state.registration = registration
    await navigator.serviceWorker.ready
    const subscription = await registration.pushManager.getSubscription()
      || await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(VAPID_PUBLIC_KEY) })
    await tellServer(subscription)
    setStatus('on')
    say(t('push_enabled_notice'))
  } catch {
    setStatus('off')
    say(t('push_failed'))
  }
}

async function disable() {
  setStatus('working')
  try {
    const subscription = await state.registration?.pushManager.getSubscription()
    if (subscription) {
      await call('/dashboard_api/push/unsubscribe', { method: 'POST', body: { endpoint: subscription.endpoint } })
      await subscription.unsubscribe()
    }
    setStatus('off')
    say(t('push_disabled_notice'))
  } catch {
    setStatus('on')
    say(t('push_failed'))
  }
}

// Signing out forgets this browser: the server drops the subscription (while the
// session still allows it) and the browser unsubscribes, so a shared device stops
// showing the last freelancer's requests. Bounded: never holds up the sign-out.
export async function forgetPush(timeoutMs = 3000) {
  if (!pushAvailable()) return
  const work = (async () => {
    const registration = state.registration || await navigator.serviceWorker.getRegistration('/')
    const subscription = await registration?.pushManager.getSubscription()
    if (!subscription) return
    try {
      await call('/dashboard_api/push/unsubscribe', { method: 'POST', body: { endpoint: subscription.endpoint } })
    } finally {
      await subscription.unsubscribe() // the push service answers 410 to any later push
      setStatus('off')
    }
  })()
  await Promise.race([work.catch(() => {}), new Promise((resolve) => setTimeout(resolve, timeoutMs))])
}

// The top bar's button (one per render; all of them show the one state).
export function pushButton() {
  const button = h('button', {
    type: 'button', id: 'push-toggle', class: 'link',
    onclick: () => {
      if (state.status === 'on') return disable()
      if (state.status === 'ios-install') return say(t('push_ios_install'))
      if (state.status === 'unsupported') return say(t('push_failed'))
      return enable()
    },
  })
  state.buttons.add(button)
  paint(button)
  return button
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'push-resubscribe' && state.status === 'on') enable()
  })
}
