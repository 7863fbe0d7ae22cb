"""Realtime Presence in the stand-in, as supabase-js's Phoenix Presence expects it:
a channel `track`s a payload under its presence key; everyone on the topic who may
see presence gets `presence_state` (the whole state, after their join) and
`presence_diff` (`joins`, `leaves`: `{key: {"metas": [{phx_ref, ...payload}]}}`).
Who may see and who may track is decided by the `presence` extension's policies
on realtime.messages (khadum.devstack.realtime_authz), as Supabase decides it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any, Protocol


class Member(Protocol):
    private: bool
    presence_key: str
    sees_presence: bool

    def deliver_presence(self, event: str, payload: dict[str, Any]) -> None: ...


class PresenceTracker:
    def __init__(self) -> None:
        self.topics: dict[str, dict[Member, dict[str, Any]]] = defaultdict(dict)

    def state(self, sub_topic: str, private: bool) -> dict[str, Any]:
        grouped: dict[str, Any] = {}
        for member, meta in self.topics.get(sub_topic, {}).items():
            if member.private == private:
                grouped.setdefault(member.presence_key, {"metas": []})["metas"].append(meta)
        return grouped

    def track(self, sub_topic: str, member: Member, payload: dict[str, Any],
              audience: set[Any]) -> None:
        previous = self.topics[sub_topic].get(member)
        meta = {**payload, "phx_ref": uuid.uuid4().hex}
        if previous is not None:
            meta["phx_ref_prev"] = previous["phx_ref"]
        self.topics[sub_topic][member] = meta
        leaves = {member.presence_key: {"metas": [previous]}} if previous else {}
        self._fan_out(member, audience, {"joins": {member.presence_key: {"metas": [meta]}},
                                         "leaves": leaves})

    def untrack(self, sub_topic: str, member: Member, audience: set[Any]) -> None:
        members = self.topics.get(sub_topic)
        if not members or member not in members:
            return
        meta = members.pop(member)
        if not members:
            del self.topics[sub_topic]
        self._fan_out(member, audience,
                      {"joins": {}, "leaves": {member.presence_key: {"metas": [meta]}}})

    @staticmethod
    def _fan_out(source: Member, audience: set[Any], diff: dict[str, Any]) -> None:
        for other in list(audience):
            if getattr(other, "sees_presence", False) and other.private == source.private:
                other.deliver_presence("presence_diff", diff)
