"""An out-of-process stand-in for Meta's Graph API and Resend, for fault tests
and benchmarks: it outlives the server it serves, so what it recorded survives
the server's SIGKILL.

    python -m bench.recorder --out records.jsonl [--webhook URL --app-secret S]

Prints its port on the first line of stdout. Records one JSON line per message
it took (`kind`: graph | email; `opaque`: biz_opaque_callback_data; `t`: epoch
seconds). Graph: answers `{"messages": [{"id": wamid}]}`; with `--webhook`, it
then calls the webhook back with a signed `sent` status carrying the
`biz_opaque_callback_data`, retrying until it gets a 200 (as Meta does).
Resend: `POST /emails` honours `Idempotency-Key` (same key → same id, recorded
once), as Resend does. Standard library only, threads: nothing to install.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Recorder:
    def __init__(self, out: str, webhook: str | None, app_secret: str, delay: float) -> None:
        self.out = open(out, "a", encoding="utf-8")  # noqa: SIM115 — lives as long as the process
        self.lock = threading.Lock()
        self.webhook = webhook
        self.app_secret = app_secret.encode()
        self.delay = delay
        self.email_ids: dict[str, str] = {}
        self.callbacks: queue.Queue[dict[str, Any]] = queue.Queue()

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.out.flush()

    def graph(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.delay:
            time.sleep(self.delay)
        wamid = "wamid.REC" + uuid.uuid4().hex.upper()
        opaque = body.get("biz_opaque_callback_data")
        self.record({"kind": "graph", "to": body.get("to"), "opaque": opaque, "wamid": wamid,
                     "type": body.get("type"), "t": time.time()})
        if self.webhook:
            self.callbacks.put({"wamid": wamid, "to": body.get("to"), "opaque": opaque})
        return {"messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": wamid}]}

    def email(self, key: str | None, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if key and key in self.email_ids:
                return {"id": self.email_ids[key]}
            email_id = str(uuid.uuid4())
            if key:
                self.email_ids[key] = email_id
        self.record({"kind": "email", "key": key, "to": body.get("to"),
                     "subject": body.get("subject"), "id": email_id, "t": time.time()})
        return {"id": email_id}

    def call_back_forever(self) -> None:
        while True:
            item = self.callbacks.get()
            payload = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
                "field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15551234567",
                                 "phone_number_id": "100000000000001"},
                    "statuses": [{"id": item["wamid"], "status": "sent",
                                  "timestamp": str(int(time.time())),
                                  "recipient_id": item["to"],
                                  **({"biz_opaque_callback_data": item["opaque"]}
                                     if item["opaque"] else {})}]}}]}]}
            raw = json.dumps(payload).encode()
            signature = "sha256=" + hmac.new(self.app_secret, raw, hashlib.sha256).hexdigest()
            request = urllib.request.Request(
                str(self.webhook), data=raw, method="POST",
                headers={"content-type": "application/json", "x-hub-signature-256": signature})
            for _ in range(600):  # Meta retries for days; a minute is plenty here
                try:
                    with urllib.request.urlopen(request, timeout=5) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, OSError, TimeoutError):
                    pass
                time.sleep(0.2)


def handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # An instant stub: the answer's headers and body leave at once (without
        # this, Nagle holds the body until the client ACKs the headers).
        disable_nagle_algorithm = True

        def log_message(self, *_: Any) -> None:
            return

        def _answer(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            if length == 0 or len(raw) < length:  # the sender died mid-request: nothing taken
                self.close_connection = True
                return
            body = json.loads(raw)
            if self.path.endswith("/messages"):
                self._answer(200, recorder.graph(body))
            elif self.path.rstrip("/").endswith("/emails"):
                self._answer(200, recorder.email(self.headers.get("idempotency-key"), body))
            else:
                self._answer(404, {"error": "unknown path"})

        def do_GET(self) -> None:
            self._answer(200, {"status": "ok"})

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--webhook")
    parser.add_argument("--app-secret", default="")
    parser.add_argument("--delay-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    recorder = Recorder(args.out, args.webhook, args.app_secret, args.delay_ms / 1000)
    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            return  # a client killed mid-request (the point of a fault test): not news

    server = Server(("127.0.0.1", args.port), handler(recorder))
    server.daemon_threads = True
    for _ in range(4):
        threading.Thread(target=recorder.call_back_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
