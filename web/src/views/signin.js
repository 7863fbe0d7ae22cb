import { h } from '../dom.js'
import { t } from '../i18n.js'
import { signIn } from '../session.js'

export function signInView({ notice, onSignedIn }) {
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error', hidden: !notice }, notice || '')
  const email = h('input', { id: 'email', type: 'email', name: 'email', autocomplete: 'username', required: true, dir: 'ltr' })
  const password = h('input', { id: 'password', type: 'password', name: 'password', autocomplete: 'current-password', required: true, dir: 'ltr' })
  const submit = h('button', { type: 'submit', class: 'primary', id: 'signin' }, t('signin'))
  const form = h('form', { class: 'card signin', onsubmit: async (event) => {
    event.preventDefault()
    if (submit.disabled) return
    submit.disabled = true
    submit.textContent = t('signing_in')
    error.hidden = true
    try {
      const session = await signIn(email.value.trim(), password.value)
      await onSignedIn(session)
    } catch (err) {
      error.textContent = err && err.status === 400 ? t('signin_failed') : t('signin_error')
      error.hidden = false
      submit.disabled = false
      submit.textContent = t('signin')
    }
  } },
  h('h1', {}, t('signin_title')),
  h('p', { class: 'muted' }, t('signin_intro')),
  h('label', { for: 'email' }, t('email')), email,
  h('label', { for: 'password' }, t('password')), password,
  error, submit)
  return form
}
