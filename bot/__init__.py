"""Telegram front end for newsbot (python-telegram-bot v22); run it with `python -m bot`."""
