"""A fake Telegram Bot API server on 127.0.0.1 for driving a real python-telegram-bot app.

Stdlib only (`http.server`, one thread per connection), so it needs no extra dependency. Tests
push updates with `push_message` / `push_callback`, the bot long-polls them with getUpdates, and
every call the bot makes is recorded in `calls` for assertions. `inject_faults` makes a share of
calls fail the ways the real API does (timeouts, dropped connections, 5xx, 429) and makes
Telegram deliver some updates twice; HTML messages are checked like Telegram checks them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import random
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BOT_ID = 4242
BOT_USERNAME = "newsbot_test_bot"
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Newsbot",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# Parameters PTB sends JSON-encoded inside a form field; everything else stays a string.
_JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
    "link_preview_options",
    "reply_parameters",
}
_DOWNLOAD = "download"  # the name `fail_next` and `FaultPlan.methods` use for file downloads
_INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "message_thread_id"}


FAULT_KINDS = ("timeout", "reset", "5xx", "429")


@dataclass(frozen=True)
class FaultPlan:
    """Which API calls fail, and how, while the plan is active (see `inject_faults`).

    The kinds: "timeout" carries the call out, then holds the response `stall_s` seconds (plus
    a getUpdates' long-poll time), past the client's read timeout, so the client never hears
    that it worked; "reset" drops the connection before the call is carried out; "5xx" answers
    500 or 502; "429" answers Too Many Requests with `retry_after`. Whether a call fails
    depends only on the seed, the call (method and parameters) and how many identical calls
    came before it, so the bot's sends fail the same way whatever the thread timing. The kind
    is drawn the same way, except that each method's first faults take each kind once, in
    turn, so that even a short run meets every kind on every method it fails: which calls
    took the rotation used to depend on thread timing, and a load run whose few failed sends
    all drew "timeout" (delivered, so never retried) had no retried send to check.
    `redeliver_rate` is the share of updates Telegram delivers a second time, in a later
    getUpdates answer, as its at-least-once delivery allows.
    """

    rate: float = 0.2
    seed: int = 0
    kinds: tuple[str, ...] = FAULT_KINDS
    stall_s: float = 3.0
    retry_after: int = 1
    methods: frozenset[str] | None = None  # None: every method
    redeliver_rate: float = 0.0


@dataclass(frozen=True)
class ApiCall:
    """One request as the server saw it: `status` is what it answered (0: dropped the
    connection) and `result` what a successful call returned, also when an injected timeout
    kept the answer from reaching the client."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    fault: str | None = None
    result: Any = None

    @property
    def delivered(self) -> bool:
        """The server carried the call out (whether or not the client heard back)."""
        return self.status == 200


def user(user_id: int, first_name: str = "Tester", username: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        data["username"] = username
    return data


def private_chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": "Tester"}


def group_chat(chat_id: int, title: str = "Newsroom") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a burst of new connections must not be refused by the backlog

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up on purpose here (timeouts, shutdown); no tracebacks on stderr


class FakeTelegramServer:
    """In-memory Bot API: `/bot<token>/<method>` and `/file/bot<token>/<path>`."""

    def __init__(self, token: str, *, poll_cap_s: float = 0.25) -> None:
        self.token = token
        self.poll_cap_s = poll_cap_s
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        self.fault_counts: Counter[str] = Counter()
        self._method_faults: Counter[tuple[str, str]] = Counter()  # (method, kind) -> count
        self.redelivered: list[int] = []  # update ids delivered a second time
        self._updates: list[dict[str, Any]] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._redeliveries: list[dict[str, Any]] = []
        self._seen_update_ids: set[int] = set()
        self._message_updates: dict[int, int] = {}  # message id -> update id
        self._files: dict[str, tuple[str, bytes, int]] = {}  # id -> (path, content, size)
        self._chats: dict[int, dict[str, Any]] = {}
        self._failures: dict[str, list[tuple[str, int, int]]] = {}  # method -> fault, status, …
        self._faults: FaultPlan | None = None
        self._identical_calls: Counter[str] = Counter()
        self._answered_queries: set[str] = set()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._closing = False
        self._stopping = threading.Event()
        self._httpd = _HTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # ---------------------------------------------------------------- lifecycle

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> FakeTelegramServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._stopping.set()  # ends injected stalls at once
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- test controls

    def push_update(self, payload: dict[str, Any]) -> int:
        with self._cond:
            update_id = next(self._update_ids)
            update = {"update_id": update_id, **payload}
            self._updates.append(update)
            self._history[update_id] = update
            self._cond.notify_all()
        return update_id

    def push_message(
        self,
        text: str | None,
        *,
        from_user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        document: dict[str, Any] | None = None,
        caption: str | None = None,
        topic: int | None = None,
    ) -> dict[str, Any]:
        """Queue a message from a user; commands and @mentions get their entities (in a
        caption too); `topic` posts it in that forum topic."""
        chat = chat or private_chat(from_user["id"])
        with self._cond:
            self._chats[chat["id"]] = chat
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": from_user,
        }
        for key, value, entities_key in (
            ("text", text, "entities"),
            ("caption", caption, "caption_entities"),
        ):
            if value is not None:
                message[key] = value
                if entities := _entities(value):
                    message[entities_key] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if document is not None:
            message["document"] = document
        if topic is not None:
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
        update_id = self.push_update({"message": message})
        with self._cond:
            self._message_updates[message["message_id"]] = update_id
        return message

    def push_callback(
        self, data: str, *, from_user: dict[str, Any], message: dict[str, Any]
    ) -> str:
        """Queue a button press on one of the bot's messages; returns the query id."""
        query_id = f"cq{next(self._ids)}"
        self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": from_user,
                    "chat_instance": "fake-instance",
                    "data": data,
                    "message": message,
                }
            }
        )
        return query_id

    def update_id_of(self, message: dict[str, Any]) -> int:
        """The update that brought a message pushed with `push_message`."""
        with self._cond:
            return self._message_updates[message["message_id"]]

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again in the next getUpdates answer after its first delivery,
        even if it was confirmed: Telegram promises at-least-once delivery, and a restart
        before the offset was confirmed, or a glitch on its side, brings old updates back."""
        with self._cond:
            self._redeliveries.append(self._history[update_id])
            self._cond.notify_all()

    def inject_faults(self, plan: FaultPlan | None) -> None:
        """Start failing calls as `plan` says (None: stop)."""
        with self._cond:
            self._faults = plan

    def add_file(
        self, content: bytes, file_name: str, *, declared_size: int | None = None
    ) -> dict[str, Any]:
        """Store a file the bot can getFile/download; returns a Document for `push_message`."""
        number = next(self._ids)
        file_id = f"file-{number}"
        size = len(content) if declared_size is None else declared_size
        with self._cond:
            self._files[file_id] = (f"documents/file_{number}", content, size)
        return {
            "file_id": file_id,
            "file_unique_id": f"unique-{number}",
            "file_name": file_name,
            "mime_type": "text/plain",
            "file_size": size,
        }

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        retry_after: int = 1,
        status: int = 429,
        kind: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 Too Many Requests (or, with
        `status=502`, a Bad Gateway, which the client sees as a network error). `kind`
        "timeout" or "reset" fails them as `FaultPlan` describes instead (give the server a
        plan with `rate=0` to set the stall)."""
        fault = kind or ("429" if status == 429 else "5xx")
        if fault == "reset":
            status = 0
        elif fault == "timeout":
            status = 200
        with self._cond:
            self._failures.setdefault(method, []).extend([(fault, status, retry_after)] * times)

    @property
    def pending_redeliveries(self) -> int:
        with self._cond:
            return len(self._redeliveries)

    def calls_to(self, method: str, **match: Any) -> list[ApiCall]:
        with self._cond:
            calls = list(self.calls)
        return [
            c
            for c in calls
            if c.method == method and all(c.params.get(k) == v for k, v in match.items())
        ]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int = 0,
        timeout: float = 20.0,
    ) -> ApiCall:
        """The first call to `method` (among `calls[after:]`) that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                calls = self.calls[after:]
            for call in calls:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            if time.monotonic() > deadline:
                seen = [c.method for c in calls]
                raise AssertionError(f"no {method} call within {timeout} s; saw {seen}")
            await asyncio.sleep(0.02)

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat as they are now (after edits), oldest first."""
        with self._cond:
            found = [m for (c, _), m in self.messages.items() if c == chat_id]
        return sorted(found, key=lambda m: m["message_id"])

    # ---------------------------------------------------------------- the API

    def _call(self, method: str, params: dict[str, Any]) -> _Reply:
        arrived = time.monotonic()
        fault, status, retry_after = self._pick_fault(method, params)
        if fault is not None and fault != "timeout":
            with self._cond:
                self.calls.append(ApiCall(method, params, arrived, status, fault))
            if fault == "reset":
                return _Reply(0, None)
            if status == 429:
                return _Reply(
                    429,
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after},
                    },
                )
            description = "Bad Gateway" if status == 502 else "Internal Server Error"
            return _Reply(status, {"ok": False, "error_code": status, "description": description})

        lost = fault == "timeout"
        handler = getattr(self, f"_api_{method}", None)
        result: Any = None
        if handler is None:
            status, payload = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        else:
            try:
                result = (
                    self._api_getUpdates(params, lost=lost)
                    if method == "getUpdates"
                    else (handler(params))
                )
            except _ApiError as err:
                status = err.status
                payload = {"ok": False, "error_code": err.status, "description": err.text}
            else:
                status, payload = 200, {"ok": True, "result": result}
        with self._cond:
            self.calls.append(ApiCall(method, params, arrived, status, fault, result))
        stall = 0.0
        if lost:
            plan = self._faults or FaultPlan()
            stall = plan.stall_s + float(params.get("timeout") or 0)
        return _Reply(status, payload, stall)

    def _pick_fault(self, method: str, params: dict[str, Any]) -> tuple[str | None, int, int]:
        """(kind, status, retry_after) of the failure this call gets, or (None, 200, 0)."""
        with self._cond:
            queued = self._failures.get(method)
            if queued:
                return queued.pop(0)
            plan = self._faults
            if plan is None or not plan.rate or method in ("close", "logOut"):
                return None, 200, 0
            if plan.methods is None and method == _DOWNLOAD:
                return None, 200, 0  # file downloads fail only when a plan names them
            if plan.methods is not None and method not in plan.methods:
                return None, 200, 0
            key = hashlib.sha1(
                json.dumps([method, params], sort_keys=True, default=str).encode()
            ).hexdigest()
            repeat = self._identical_calls[key]
            self._identical_calls[key] += 1
        rng = random.Random(f"{plan.seed}|{key}|{repeat}")
        if rng.random() >= plan.rate:
            return None, 200, 0
        kind = rng.choice(plan.kinds)
        with self._cond:
            unmet = [k for k in plan.kinds if not self._method_faults[(method, k)]]
            if unmet:
                kind = unmet[0]
            self.fault_counts[kind] += 1
            self._method_faults[(method, kind)] += 1
        if kind == "429":
            return kind, 429, plan.retry_after
        if kind == "5xx":
            return kind, rng.choice((500, 502)), 0
        return kind, (0 if kind == "reset" else 200), 0

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    def _api_logOut(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self.commands = list(params.get("commands") or [])
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        with self._cond:
            return list(self.commands)

    def _api_getUpdates(self, params: dict[str, Any], *, lost: bool = False) -> Any:
        """Updates from `offset` on, after any due for a second delivery. With `lost` the answer
        will not reach the client, so nothing counts as delivered."""
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), self.poll_cap_s)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and not self._redeliveries and wait > 0 and not self._closing:
                self._cond.wait(wait)
            fresh = list(self._updates[:limit])
            if lost:
                return fresh
            # Only what was delivered before comes again; never ahead of its predecessors.
            due = [u for u in self._redeliveries if u["update_id"] in self._seen_update_ids]
            again = due[:limit]
            self._redeliveries = [u for u in self._redeliveries if u not in again]
            batch = again + fresh[: limit - len(again)]
            self.redelivered.extend(u["update_id"] for u in again)
            plan = self._faults
            for update in batch[len(again) :]:
                update_id = update["update_id"]
                if update_id in self._seen_update_ids:
                    continue
                self._seen_update_ids.add(update_id)
                if plan is not None and plan.redeliver_rate > 0:
                    rng = random.Random(f"{plan.seed}|redeliver|{update_id}")
                    if rng.random() < plan.redeliver_rate:
                        self._redeliveries.append(update)
            return batch

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        if params.get("parse_mode") == "HTML":
            check_html(text)
        with self._cond:
            message_id = next(self._message_ids)
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chats.get(chat_id, private_chat(chat_id)),
                "from": BOT_USER,
                "text": text,
            }
            if params.get("message_thread_id"):
                message["message_thread_id"] = params["message_thread_id"]
                message["is_topic_message"] = True
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self.messages[(chat_id, message_id)] = message
            return dict(message)

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text") or "")
        if _utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        if params.get("parse_mode") == "HTML":
            check_html(text)
        with self._cond:
            message = self._message(params)
            if (
                message["text"] == text
                and "reply_markup" not in params
                and ("reply_markup" not in message)
            ):
                raise _ApiError(400, "Bad Request: message is not modified")
            message["text"] = text
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            return dict(message)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        with self._cond:
            message = self._message(params)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            return dict(message)

    def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        with self._cond:
            key = (int(params["chat_id"]), int(params["message_id"]))
            if self.messages.pop(key, None) is None:
                raise _ApiError(400, "Bad Request: message to delete not found")
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id"))
        with self._cond:
            if query_id in self._answered_queries:  # as Telegram: one answer per press
                raise _ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is "
                    "invalid",
                )
            self._answered_queries.add(query_id)
        return True

    def _api_getFile(self, params: dict[str, Any]) -> Any:
        with self._cond:
            stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, _, size = stored
        return {
            "file_id": params["file_id"],
            "file_unique_id": f"u-{params['file_id']}",
            "file_size": size,
            "file_path": path,
        }

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    def _download(self, file_path: str) -> bytes | None:
        with self._cond:
            for path, content, _ in self._files.values():
                if path == file_path:
                    return content
        return None

    # ---------------------------------------------------------------- HTTP plumbing

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._dispatch()

            def do_POST(self) -> None:
                self._dispatch()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the test output should not fill with access logs

            def _dispatch(self) -> None:
                url = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = unquote(url.path)
                file_prefix = f"/file/bot{server.token}/"
                api_prefix = f"/bot{server.token}/"
                if path.startswith(file_prefix):
                    fault, status, _ = server._pick_fault(_DOWNLOAD, {"path": path})
                    if fault == "reset":
                        self._reset()
                        return
                    if fault == "timeout":
                        server._stopping.wait((server._faults or FaultPlan()).stall_s)
                        self.close_connection = True
                        return
                    if fault is not None:
                        self._send(status, b'{"ok":false}', "application/json")
                        return
                    content = server._download(path[len(file_prefix) :])
                    if content is None:
                        self._send(404, b'{"ok":false,"error_code":404}', "application/json")
                    else:
                        self._send(200, content, "application/octet-stream")
                    return
                if not path.startswith(api_prefix):
                    payload = {"ok": False, "error_code": 401, "description": "Unauthorized"}
                    self._send(401, json.dumps(payload).encode(), "application/json")
                    return
                method = path[len(api_prefix) :]
                params = _parse_params(url.query, body, self.headers.get("Content-Type", ""))
                reply = server._call(method, params)
                if reply.payload is None:
                    self._reset()
                    return
                if reply.stall_s and server._stopping.wait(reply.stall_s):
                    self.close_connection = True
                    return
                self._send(reply.status, json.dumps(reply.payload).encode(), "application/json")

            def _reset(self) -> None:
                """Drop the connection without an answer: a TCP reset, not a clean close."""
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    self.close_connection = True  # the client gave up (a timeout, shutting down)

        return Handler


@dataclass(frozen=True)
class _Reply:
    status: int
    payload: dict[str, Any] | None  # None: drop the connection without answering
    stall_s: float = 0.0


# Telegram's HTML: these tags only, properly nested; named entities only these four.
_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"tg-emoji", "code", "pre", "blockquote"}
)
_HTML_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
_HTML_TOKEN_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>|&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
    r"|[<&]"
)


def check_html(text: str) -> None:
    """Reject what the Bot API rejects with "can't parse entities" (parse_mode=HTML)."""
    stack: list[str] = []
    for match in _HTML_TOKEN_RE.finditer(text):
        closing, name, _, entity = match.groups()
        where = f"at byte offset {len(text[: match.start()].encode())}"
        if entity is not None:
            if not entity.startswith("#") and entity not in _HTML_ENTITIES:
                raise _ApiError(
                    400, f"Bad Request: can't parse entities: unsupported entity &{entity}; {where}"
                )
            continue
        if name is None:
            raise _ApiError(
                400, f"Bad Request: can't parse entities: unexpected {match.group()!r} {where}"
            )
        name = name.lower()
        if name not in _HTML_TAGS:
            raise _ApiError(
                400, f"Bad Request: can't parse entities: unsupported start tag {name!r} {where}"
            )
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            raise _ApiError(
                400, f"Bad Request: can't parse entities: can't find start tag for {name!r} {where}"
            )
        else:
            stack.pop()
    if stack:
        raise _ApiError(
            400, f"Bad Request: can't parse entities: can't find end tag for {stack[-1]!r}"
        )


class _ApiError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def _parse_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    raw: dict[str, Any] = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if body and "json" in content_type:
        raw.update(json.loads(body))
    elif body:
        decoded = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        raw.update({k: v[0] for k, v in decoded.items()})
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_PARAMS and isinstance(value, str):
            value = json.loads(value)
        elif key in _INT_PARAMS and isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                value = float(value)
        params[key] = value
    return params


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command at the start and @mentions anywhere, with UTF-16 offsets like Telegram."""
    entities: list[dict[str, Any]] = []
    words: Iterator[tuple[int, str]] = _words(text)
    for index, word in words:
        kind = None
        if index == 0 and word.startswith("/") and len(word) > 1:
            kind = "bot_command"
        elif word.startswith("@") and len(word) > 1:
            kind = "mention"
        if kind:
            entities.append(
                {"type": kind, "offset": _utf16_len(text[:index]), "length": _utf16_len(word)}
            )
    return entities


def _words(text: str) -> Iterator[tuple[int, str]]:
    position = 0
    for word in text.split():
        index = text.index(word, position)
        position = index + len(word)
        yield index, word.rstrip(",.!?:;")
