// The browser's push service registration, for headless Chromium on a machine with
// no network: Chromium asks Google's push service (FCM) for an endpoint when a page
// calls pushManager.subscribe(), and headless Chromium refuses push outright. This
// stands in for that one step — as a real browser does, it makes the subscription's
// P-256 key pair and auth secret (WebCrypto) and gets an endpoint from a push
// service (the local stand-in, /dev/push/register, given the page's VAPID key).
// Everything after it — the page, the service worker, the server's encryption and
// VAPID signature, the push service's checks — is the real code.
(() => {
  if (typeof PushManager === 'undefined') return
  const KEY = 'test.push.subscription'
  const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const unb64u = (text) => Uint8Array.from(
    atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)),
    (c) => c.charCodeAt(0))
  const wrap = (saved) => ({
    endpoint: saved.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: unb64u(saved.serverKey).buffer },
    getKey: (name) => unb64u(saved.keys[name]).buffer,
    toJSON: () => ({ endpoint: saved.endpoint, expirationTime: null, keys: saved.keys }),
    unsubscribe: async () => { localStorage.removeItem(KEY); return true },
  })
  PushManager.prototype.getSubscription = async function () {
    const saved = localStorage.getItem(KEY)
    return saved ? wrap(JSON.parse(saved)) : null
  }
  PushManager.prototype.subscribe = async function (options) {
    if (Notification.permission !== 'granted') {
      throw new DOMException('Registration failed - permission denied', 'NotAllowedError')
    }
    const serverKey = b64u(options.applicationServerKey)
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])
    const publicRaw = await crypto.subtle.exportKey('raw', pair.publicKey)
    const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey)
    const auth = crypto.getRandomValues(new Uint8Array(16))
    const answer = await fetch('/dev/push/register', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ applicationServerKey: serverKey }),
    })
    if (!answer.ok) throw new DOMException('Registration failed - push service error', 'AbortError')
    const { endpoint } = await answer.json()
    const saved = { endpoint, serverKey, keys: { p256dh: b64u(publicRaw), auth: b64u(auth) }, jwk }
    localStorage.setItem(KEY, JSON.stringify(saved))
    return wrap(saved)
  }
})()
