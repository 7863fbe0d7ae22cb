"""Phoenix channel frames in the two serialisations the clients speak.

vsn 1.0.0 (the Python `realtime` client): JSON objects
  {"join_ref", "ref", "topic", "event", "payload"}.
vsn 2.0.0 (supabase-js): JSON arrays [join_ref, ref, topic, event, payload], and
client broadcasts as binary frames of kind 3 ("user broadcast push"):
  kind, len(join_ref), len(ref), len(topic), len(event), len(metadata), encoding,
  then join_ref, ref, topic, event, metadata, payload (encoding 0 = binary, 1 = JSON).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

VSN1 = "1.0.0"
VSN2 = "2.0.0"
USER_BROADCAST_PUSH = 3
JSON_ENCODING = 1


class FrameError(ValueError):
    """A frame the server cannot read."""


@dataclass
class Frame:
    topic: str
    event: str
    payload: Any = field(default_factory=dict)
    ref: str | None = None
    join_ref: str | None = None


def decode(data: str | bytes, vsn: str) -> Frame:
    if isinstance(data, bytes):
        return _decode_binary(data)
    try:
        raw = json.loads(data)
    except ValueError as exc:
        raise FrameError("not JSON") from exc
    if isinstance(raw, list) and len(raw) == 5:
        join_ref, ref, topic, event, payload = raw
    elif isinstance(raw, dict):
        join_ref, ref = raw.get("join_ref"), raw.get("ref")
        topic, event, payload = raw.get("topic"), raw.get("event"), raw.get("payload")
    else:
        raise FrameError(f"not a vsn {vsn} frame")
    if not isinstance(topic, str) or not isinstance(event, str):
        raise FrameError("a frame needs a topic and an event")
    return Frame(topic, event, payload if payload is not None else {},
                 _ref(ref), _ref(join_ref))


def _ref(value: Any) -> str | None:
    return None if value is None else str(value)


def _decode_binary(data: bytes) -> Frame:
    if len(data) < 7 or data[0] != USER_BROADCAST_PUSH:
        raise FrameError("unknown binary frame kind")
    sizes = list(data[1:6])
    encoding = data[6]
    offset = 7
    parts = []
    for size in sizes:
        parts.append(data[offset:offset + size].decode())
        offset += size
    join_ref, ref, topic, user_event, metadata = parts
    body = data[offset:]
    if encoding == JSON_ENCODING:
        user_payload: Any = json.loads(body.decode() or "null")
    else:
        user_payload = {"base64": base64.b64encode(body).decode()}
    payload: dict[str, Any] = {"type": "broadcast", "event": user_event, "payload": user_payload}
    if metadata:
        payload["meta"] = json.loads(metadata)
    return Frame(topic, "broadcast", payload, ref or None, join_ref or None)


def encode(frame: Frame, vsn: str) -> str:
    if vsn == VSN2:
        return json.dumps([frame.join_ref, frame.ref, frame.topic, frame.event, frame.payload],
                          ensure_ascii=False, default=str)
    return json.dumps({"join_ref": frame.join_ref, "ref": frame.ref, "topic": frame.topic,
                       "event": frame.event, "payload": frame.payload},
                      ensure_ascii=False, default=str)


def reply(request: Frame, status: str, response: dict[str, Any]) -> Frame:
    return Frame(request.topic, "phx_reply", {"status": status, "response": response},
                 request.ref, request.join_ref)


def broadcast(topic: str, event: str, payload: Any) -> Frame:
    return Frame(topic, "broadcast", {"type": "broadcast", "event": event, "payload": payload})


def system_error(topic: str, message: str) -> Frame:
    sub_topic = topic.removeprefix("realtime:")
    return Frame(topic, "system", {"channel": sub_topic, "extension": "system",
                                   "message": message, "status": "error"})
