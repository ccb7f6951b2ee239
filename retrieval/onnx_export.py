"""ONNX Runtime backend: an int8 export of the local embedding model, cached, and its encoder."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.errors import OnnxExportError

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers
    import torch

logger = logging.getLogger(__name__)

# Bump when the export recipe changes, so caches made by an older recipe are rebuilt.
RECIPE_VERSION = 1
MODEL_FILE = "model.onnx"
META_FILE = "export.json"
TOKENIZER_FILE = "tokenizer.json"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Texts encoded at once, each on its own single-threaded model call (see `encode`).
MAX_WORKERS = 8
# Small files that define the model; their bytes (and the weights' size and mtime) key the cache.
_MODEL_FILES = (
    "config.json",
    "modules.json",
    "sentence_bert_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "1_Pooling/config.json",
)
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


def default_cache_root() -> Path:
    """`$XDG_CACHE_HOME/newsbot/onnx`, else `~/.cache/newsbot/onnx`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsbot" / "onnx"


@dataclass(frozen=True)
class ExportInfo:
    """What `export.json` records about one cached export."""

    recipe: int
    fingerprint: str
    quantized: bool
    max_seq_length: int
    dimension: int
    normalize: bool

    @classmethod
    def read(cls, folder: Path) -> ExportInfo | None:
        try:
            data = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None


def model_fingerprint(model_path: str | Path) -> str:
    """A short key that changes when the model's files change (weights by size and mtime, so
    a 90 MB file is not read on every start)."""
    root = Path(model_path)
    digest = hashlib.sha256(f"recipe={RECIPE_VERSION}".encode())
    for name in _MODEL_FILES:
        path = root / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    for name in _WEIGHTS:
        path = root / name
        if path.is_file():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def cached_export_dir(
    model_path: str | Path, cache_root: Path | None = None, *, quantize: bool = True
) -> Path:
    """Where the export of `model_path` lives (whether or not it exists yet)."""
    root = cache_root or default_cache_root()
    precision = "int8" if _can_quantize(quantize) else "fp32"
    return root / f"{Path(model_path).name}-{model_fingerprint(model_path)}-{precision}"


def ensure_export(
    model_path: str | Path, cache_root: Path | None = None, *, quantize: bool = True
) -> Path:
    """The cached export folder for `model_path`, exporting it first if it is missing.

    The export reads only local files. Concurrent processes wait on a lock file, so the
    model is exported once and nobody reads a half-written folder.
    """
    target = cached_export_dir(model_path, cache_root, quantize=quantize)
    if _is_complete(target, quantize):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target.with_name(target.name + ".lock")):
            if _is_complete(target, quantize):
                return target
            logger.warning("exporting %s to ONNX (once; cached in %s)", model_path, target)
            staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
            staging.chmod(0o755)
            try:
                export_onnx(model_path, staging, quantize=quantize)
                if target.exists():
                    shutil.rmtree(target)
                os.replace(staging, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OnnxExportError:
        raise
    except OSError as err:
        raise OnnxExportError(str(model_path), f"{target}: {err.strerror or err}") from err
    except Exception as err:  # torch's exporter and the quantiser raise assorted types
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise OnnxExportError(str(model_path), detail) from err
    return target


def _is_complete(folder: Path, quantize: bool) -> bool:
    info = ExportInfo.read(folder)
    return (
        info is not None
        and info.recipe == RECIPE_VERSION
        and info.quantized == _can_quantize(quantize)
        and (folder / MODEL_FILE).is_file()
        and (folder / TOKENIZER_FILE).is_file()
    )


class _locked:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = -1

    def __enter__(self) -> None:
        self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def _can_quantize(wanted: bool) -> bool:
    # onnxruntime's quantiser needs the onnx package; find_spec keeps startup from importing it.
    return wanted and importlib.util.find_spec("onnx") is not None


def export_onnx(model_path: str | Path, folder: Path, *, quantize: bool = True) -> ExportInfo:
    """Write `model.onnx` (mean-pooled sentence embeddings), the tokenizer and `export.json`
    for the sentence-transformers model at `model_path` into `folder`.

    With `quantize` (and the `onnx` package installed) the linear layers are quantised to
    int8 per channel: ~3x faster than PyTorch on CPU, cosine to the float model > 0.98.
    """
    source = Path(model_path)
    folder.mkdir(parents=True, exist_ok=True)
    max_seq_length, normalize = _read_sentence_config(source)
    module = _load_pooled_model(source)
    float_path = folder / ("model.float.onnx" if quantize else MODEL_FILE)
    _trace(module, float_path)
    quantized = _can_quantize(quantize)
    if quantized:
        _quantize(float_path, folder / MODEL_FILE)
        float_path.unlink()
    elif quantize:
        logger.warning("the onnx package is not installed; exporting without int8 quantisation")
        float_path.rename(folder / MODEL_FILE)
    shutil.copyfile(source / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    info = ExportInfo(
        recipe=RECIPE_VERSION,
        fingerprint=model_fingerprint(source),
        quantized=quantized,
        max_seq_length=max_seq_length,
        dimension=int(module.bert.config.hidden_size),
        normalize=normalize,
    )
    (folder / META_FILE).write_text(json.dumps(info.__dict__, indent=2), encoding="utf-8")
    return info


def _read_sentence_config(source: Path) -> tuple[int, bool]:
    """(max_seq_length, whether the model ends in a Normalize layer); mean pooling only."""
    try:
        modules = json.loads((source / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise OnnxExportError(str(source), "no readable modules.json") from err
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"]:
        raise OnnxExportError(str(source), f"unsupported module layout {kinds}")
    pooling = json.loads((source / modules[1]["path"] / "config.json").read_text("utf-8"))
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    if modes != {"pooling_mode_mean_tokens"}:
        raise OnnxExportError(str(source), "only mean-pooling models can be exported")
    config_path = source / "sentence_bert_config.json"
    config = json.loads(config_path.read_text("utf-8")) if config_path.is_file() else {}
    return int(config.get("max_seq_length") or 256), "Normalize" in kinds


def _load_pooled_model(source: Path) -> Any:
    import torch
    from transformers import AutoModel

    # Eager attention traces into the pattern ONNX Runtime fuses into one Attention kernel.
    bert = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return MeanPooled(bert)


def _trace(module: torch.nn.Module, path: Path) -> None:
    import torch

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        # The TorchScript exporter needs neither onnx nor onnxscript.
        torch.onnx.export(
            module,
            (example, example, torch.zeros_like(example)),
            str(path),
            input_names=list(_INPUTS),
            output_names=["sentence_embedding"],
            dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = source.with_name("model.prepared.onnx")
    # Symbolic shape inference gives up on BERT's dynamic shapes; ONNX's own is enough.
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    # Per-channel weights keep cosine to the float model above 0.98; quantising the word
    # embeddings or per-tensor weights costs several points.
    quantize_dynamic(
        str(prepared),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
    )
    prepared.unlink()


class OnnxSentenceEncoder:
    """Sentence embeddings from an exported model with ONNX Runtime: the subset of
    `SentenceTransformer` that `Embedder` uses, without importing torch.

    Each text is its own model call, so its vector depends on the text alone. The int8 model
    quantises activations with one scale per call: texts batched together changed each
    other's vectors (cosine 0.98 to 1.0 to the same text alone), so an answer depended on
    which questions came before it and an article's vectors on the articles indexed with it.
    Calls run single-threaded on `workers` threads at once, which on 2 cores is as fast as
    padded batches on two threads for sentences and ~1.6x faster for chunks (measured).
    `encode` may be called from several threads at once (the session is thread-safe).
    """

    def __init__(self, folder: Path, *, workers: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        info = ExportInfo.read(folder)
        if info is None:
            raise OnnxExportError(str(folder), f"{META_FILE} is missing or unreadable")
        if workers is not None and workers < 1:
            raise ValueError("workers must be at least 1")
        self.info = info
        self.folder = folder
        self.max_seq_length = info.max_seq_length
        self.workers = workers or _default_workers()
        self._counter: tokenizers.Tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer: tokenizers.Tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(max_length=info.max_seq_length)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle workers sleep instead of spinning: on a 2-core machine spinning steals the CPU
        # that Chroma's writer thread and concurrent questions need (measured: -20% CPU).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.intra_op_num_threads = 1
        self._session: onnxruntime.InferenceSession = ort.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0
        self._pool_lock = threading.Lock()

    def get_embedding_dimension(self) -> int:
        return self.info.dimension

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens (like the HF tokenizer's count)."""
        encoded = self._counter.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encoded]

    def encode(
        self,
        sentences: Sequence[str],
        *,
        batch_size: int = 64,
        normalize_embeddings: bool = True,
        convert_to_numpy: bool = True,
        show_progress_bar: bool = False,
    ) -> np.ndarray:
        """Embeddings in input order, shape (len(sentences), dimension), float32.

        `batch_size` is accepted for `SentenceTransformer` compatibility and not used: every
        text is encoded alone (see the class docstring)."""
        del batch_size, convert_to_numpy, show_progress_bar
        encoded = self._tokenizer.encode_batch(list(sentences))
        if len(encoded) > 1 and self.workers > 1:
            rows = list(self._executor().map(self._run, encoded))
        else:
            rows = [self._run(enc) for enc in encoded]
        out = np.stack(rows) if rows else np.zeros((0, self.info.dimension), dtype=np.float32)
        if normalize_embeddings or self.info.normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, 1e-12)
        return out

    def _executor(self) -> ThreadPoolExecutor:
        # A forked child inherits the pool object but not its threads: it needs its own.
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="onnx-encode")
                self._pool_pid = os.getpid()
            return self._pool

    def _run(self, enc: tokenizers.Encoding) -> np.ndarray:
        """The mean-pooled (not normalised) embedding of one tokenised text."""
        feeds = {
            "input_ids": np.asarray([enc.ids], dtype=np.int64),
            "attention_mask": np.ones((1, len(enc.ids)), dtype=np.int64),
            "token_type_ids": np.asarray([enc.type_ids], dtype=np.int64),
        }
        return np.asarray(self._session.run(None, feeds)[0][0], dtype=np.float32)


def _default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def load_onnx_encoder(
    model_path: str | Path, *, cache_root: Path | None = None, quantize: bool = True
) -> OnnxSentenceEncoder:
    """The ONNX encoder for `model_path`, exporting it on first use (seconds, offline)."""
    return OnnxSentenceEncoder(ensure_export(model_path, cache_root, quantize=quantize))
