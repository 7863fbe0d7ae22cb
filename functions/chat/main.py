"""The private chat function: sessions from chat links, messages, files, completion."""

from khadum.chat.api import router
from khadum.http import function_app

app = function_app("Khadum chat", db=None, router=router, name="chat")
