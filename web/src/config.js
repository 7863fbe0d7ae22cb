// The runtime configuration comes from ./config.js (served by the server, or written at
// deploy time by `khadum web-config`), never from the bundle.
const config = window.KHADUM_CONFIG || {}

export const SUPABASE_URL = config.supabaseUrl || window.location.origin
export const SUPABASE_ANON_KEY = config.supabaseAnonKey || ''
export const FUNCTIONS_URL = config.functionsUrl || `${SUPABASE_URL}/functions/v1`
