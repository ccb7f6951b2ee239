"""Who may talk to the bot and who may add articles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccessPolicy:
    """Allow-lists; an empty list means open.

    A user must pass both lists: ALLOWED_USER_IDS limits who, ALLOWED_CHAT_IDS limits where
    (a private chat's id is the user's id). Admins always count as allowed users, and their
    private chats as allowed chats: a bot kept to one group is still run by its admins.
    """

    allowed_users: frozenset[int] = frozenset()
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()

    def allows(self, user_id: int, chat_id: int | None) -> bool:
        user_ok = not self.allowed_users or user_id in self.allowed_users or self.is_admin(user_id)
        chat_ok = (
            not self.allowed_chats
            or chat_id is None
            or chat_id in self.allowed_chats
            or (chat_id == user_id and self.is_admin(user_id))
        )
        return user_ok and chat_ok

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admins
