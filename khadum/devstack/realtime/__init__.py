"""Local stand-in for Supabase Realtime: private broadcast channels over Phoenix
websockets at /realtime/v1/websocket (DESIGN.md section 3)."""
