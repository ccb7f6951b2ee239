"""A fake Telegram Bot API server on 127.0.0.1 for driving a real python-telegram-bot app.

Stdlib only (`http.server` in a thread), so it needs no extra dependency. Tests push updates
with `push_message` / `push_callback`, the bot long-polls them with getUpdates, and every call
the bot makes is recorded in `calls` for assertions.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
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
_INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "message_thread_id"}


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


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


class FakeTelegramServer:
    """In-memory Bot API: `/bot<token>/<method>` and `/file/bot<token>/<path>`."""

    def __init__(self, token: str, *, poll_cap_s: float = 0.25) -> None:
        self.token = token
        self.poll_cap_s = poll_cap_s
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._files: dict[str, tuple[str, bytes, int]] = {}  # id -> (path, content, size)
        self._chats: dict[int, dict[str, Any]] = {}
        self._failures: dict[str, list[tuple[int, int]]] = {}  # method -> (status, retry_after)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._closing = False
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
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
            self._updates.append({"update_id": update_id, **payload})
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
    ) -> dict[str, Any]:
        """Queue a message from a user; commands and @mentions get their entities."""
        chat = chat or private_chat(from_user["id"])
        with self._cond:
            self._chats[chat["id"]] = chat
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": from_user,
        }
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if document is not None:
            message["document"] = document
        self.push_update({"message": message})
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
        self, method: str, times: int = 1, *, retry_after: int = 1, status: int = 429
    ) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 Too Many Requests (or, with
        `status=502`, a Bad Gateway, which the client sees as a network error)."""
        with self._cond:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

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

    def _record(self, method: str, params: dict[str, Any]) -> tuple[int, int] | None:
        with self._cond:
            self.calls.append(ApiCall(method, params))
            queued = self._failures.get(method)
            return queued.pop(0) if queued else None

    def _call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        failure = self._record(method, params)
        if failure is not None and failure[0] != 429:
            return failure[0], {"ok": False, "error_code": failure[0], "description": "Bad Gateway"}
        if failure is not None:
            retry_after = failure[1]
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            result = handler(params)
        except _ApiError as err:
            return err.status, {"ok": False, "error_code": err.status, "description": err.text}
        return 200, {"ok": True, "result": result}

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

    def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), self.poll_cap_s)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and wait > 0 and not self._closing:
                self._cond.wait(wait)
            return list(self._updates[:limit])

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        with self._cond:
            message_id = next(self._message_ids)
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chats.get(chat_id, private_chat(chat_id)),
                "from": BOT_USER,
                "text": text,
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self.messages[(chat_id, message_id)] = message
            return dict(message)

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text") or "")
        if _utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
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
            self.messages.pop((int(params["chat_id"]), int(params["message_id"])), None)
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
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
                status, payload = server._call(method, params)
                self._send(status, json.dumps(payload).encode(), "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (e.g. shutting down)

        return Handler


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
