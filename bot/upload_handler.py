"""Articles sent as documents: admins' files are checked, saved under uploads/ and indexed."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType
from telegram.error import NetworkError
from telegram.ext import Application, MessageHandler, filters

from bot.access import AccessPolicy
from bot.chat_action import keep_typing
from bot.formatting import MESSAGE_LIMIT
from bot.messages import Context, is_for_bot, thread_id
from bot.uploads import UploadRejected, check_upload, display_name, save_upload, too_big_message
from retrieval import IngestReport, InputError, Newsbot, StoreLockedError

logger = logging.getLogger(__name__)

ADMINS_ONLY = (
    "Sorry, only the bot's admins can add articles. "
    "You can still ask me questions about the indexed ones."
)
INDEX_BUSY = (
    "I could not add {name}: the index is being written by another program right now. "
    "Please send the file again in a minute."
)
_MAX_TITLES_SHOWN = 10


class UploadHandler:
    """Indexes the files admins send; anyone else is told only admins can add articles. In
    a group only files meant for the bot count: a caption mentioning it, or a reply to it."""

    def __init__(
        self, newsbot: Newsbot, policy: AccessPolicy, *, uploads_dir: Path, max_upload_bytes: int
    ) -> None:
        self.newsbot = newsbot
        self.policy = policy
        self.uploads_dir = uploads_dir
        self.max_upload_bytes = max_upload_bytes

    def register(self, app: Application) -> None:
        new = filters.UpdateType.MESSAGE
        app.add_handler(MessageHandler(new & filters.Document.ALL, self.document))

    async def document(self, update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.document is None:
            return
        if message.chat.type != ChatType.PRIVATE and not is_for_bot(message, context):
            return  # a file shared in a group for its members, not for us
        if not self.policy.is_admin(user.id):
            await message.reply_text(ADMINS_ONLY)
            return
        document = message.document
        shown_name = display_name(document.file_name)
        try:
            check_upload(document.file_name, document.file_size, self.max_upload_bytes)
        except UploadRejected as err:
            await message.reply_text(str(err))
            return
        async with keep_typing(context.bot, message.chat_id, message_thread_id=thread_id(message)):
            telegram_file = await context.bot.get_file(document.file_id)
            if telegram_file.file_size and telegram_file.file_size > self.max_upload_bytes:
                await message.reply_text(
                    too_big_message(telegram_file.file_size, self.max_upload_bytes)
                )
                return
            try:
                content = bytes(await telegram_file.download_as_bytearray())
            except NetworkError as err:  # downloads bypass the retrying rate limiter
                logger.warning("downloading %s failed: %s", shown_name, err)
                await message.reply_text(
                    f"I could not download {shown_name} from Telegram (a network problem); "
                    "please send it again."
                )
                return
            if len(content) > self.max_upload_bytes:
                await message.reply_text(too_big_message(len(content), self.max_upload_bytes))
                return
            path = await asyncio.to_thread(
                save_upload, self.uploads_dir, document.file_name, content
            )
            logger.info("admin %s uploaded %s (%d bytes)", user.id, path.name, len(content))
            try:
                report = await asyncio.to_thread(self.newsbot.ingest, [path])
            except InputError as err:
                path.unlink(missing_ok=True)
                await message.reply_text(str(err).replace(str(path), shown_name))
                return
            except StoreLockedError:
                path.unlink(missing_ok=True)
                await message.reply_text(INDEX_BUSY.format(name=shown_name))
                return
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        if report.new + report.changed == 0:
            path.unlink(missing_ok=True)  # a duplicate: the index already has these articles
        await message.reply_text(_upload_reply(shown_name, report))


def _upload_reply(file_name: str, report: IngestReport) -> str:
    if report.new + report.changed == 0:
        return f"{file_name}: nothing new; those articles are already indexed ({report.summary()})."
    lines = [f"Added {file_name}: {report.summary()}"]
    for info in report.articles[:_MAX_TITLES_SHOWN]:
        details = ", ".join(part for part in (info.source, info.published) if part)
        lines.append(f"• {info.title}" + (f" ({details})" if details else ""))
    if len(report.articles) > _MAX_TITLES_SHOWN:
        lines.append(f"… and {len(report.articles) - _MAX_TITLES_SHOWN} more")
    return "\n".join(lines)[: MESSAGE_LIMIT // 2]  # plain text; halving covers UTF-16 pairs
