// Sign-in, the session across reloads and its refresh: supabase-js, against Supabase
// Auth in production and the dev server's GoTrue stand-in locally (same calls).
import { createClient } from '@supabase/supabase-js'
import { SUPABASE_ANON_KEY, SUPABASE_URL } from './config.js'

export const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY, {
  auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
})

export async function currentSession() {
  const { data } = await supabase.auth.getSession()
  return data.session
}

export async function signIn(email, password) {
  const { data, error } = await supabase.auth.signInWithPassword({ email, password })
  if (error) throw error
  return data.session
}

export async function refresh() {
  const { data, error } = await supabase.auth.refreshSession()
  if (error || !data.session) return null
  return data.session
}

export async function signOut() {
  await supabase.auth.signOut({ scope: 'local' })
}
