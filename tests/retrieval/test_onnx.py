"""The ONNX Runtime backend: exported offline from the shipped weights, close to PyTorch, cached."""

from __future__ import annotations

import json
import multiprocessing
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import retrieval.onnx_export as onnx_export
from retrieval.embedding import Embedder, resolve_model_path
from retrieval.errors import NewsbotError, OnnxExportError
from retrieval.onnx_export import OnnxSentenceEncoder, cached_export_dir, model_fingerprint
from retrieval.service import Newsbot
from retrieval.settings import DEFAULT_MODEL, Settings

SENTENCES = [
    "What did Putin say about South Korea?",
    "Who won?",
    "The central bank raised interest rates by a quarter of a percentage point on Thursday.",
    "Man jailed in UK after releasing rats outside a mosque",
    "Ukraine's parliament approved Yulia Svyrydenko as the new prime minister.",
]
ROOT = Path(__file__).resolve().parents[2]


def _no_network(*_: Any, **__: Any) -> None:
    raise AssertionError("the ONNX export tried to open a network connection")


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    model = Embedder(backend="torch")
    model.warm_up()
    return model


@pytest.fixture(scope="module")
def onnx_embedder(onnx_cache: Path) -> Iterator[Embedder]:
    """Exports once per module (about 10 s) with every socket connection refused."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _no_network)
        mp.setattr(socket, "create_connection", _no_network)
        model = Embedder(backend="onnx", onnx_cache=onnx_cache)
        model.warm_up()
    yield model


def test_export_is_made_offline_into_the_cache(onnx_embedder: Embedder, onnx_cache: Path) -> None:
    folder = cached_export_dir(resolve_model_path(DEFAULT_MODEL), onnx_cache)
    info = json.loads((folder / "export.json").read_text())
    assert (folder / "model.onnx").stat().st_size > 1_000_000
    assert info["quantized"] is True, "int8 needs the onnx package; is it installed?"
    assert info["dimension"] == 384 and info["max_seq_length"] == 256
    assert isinstance(onnx_embedder.model, OnnxSentenceEncoder)


def test_embeddings_are_close_to_torch(onnx_embedder: Embedder, torch_embedder: Embedder) -> None:
    fast = onnx_embedder.encode(SENTENCES)
    exact = torch_embedder.encode(SENTENCES)
    assert fast.shape == exact.shape == (len(SENTENCES), 384)
    assert fast.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    cosines = (fast * exact).sum(axis=1)
    assert cosines.min() > 0.98, cosines


def test_a_text_has_the_same_vector_alone_or_with_others(onnx_embedder: Embedder) -> None:
    # Dynamic int8 quantisation scales activations per model call: batched, a text's vector
    # moved with its batch-mates (cosine down to 0.98), and answers with the questions
    # asked before them.
    one_by_one = np.stack([onnx_embedder.encode([s])[0] for s in SENTENCES])
    together = onnx_embedder.encode(SENTENCES)
    reversed_order = onnx_embedder.encode(SENTENCES[::-1])[::-1]
    assert np.array_equal(one_by_one, together)
    assert np.array_equal(together, reversed_order)
    assert onnx_embedder.encode([]).shape == (0, 384)


def _encode_in_child(embedder: Embedder, out: Any) -> None:
    out.put(embedder.encode(SENTENCES).tobytes())


def test_a_forked_child_encodes_with_its_own_threads(onnx_embedder: Embedder) -> None:
    # The parent's encoding threads do not survive a fork; the child must not wait on them.
    parent = onnx_embedder.encode(SENTENCES)
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_encode_in_child, args=(onnx_embedder, out))
    child.start()
    try:
        got = np.frombuffer(out.get(timeout=60), dtype=np.float32).reshape(parent.shape)
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    assert np.array_equal(got, parent)


def test_token_counts_and_window_match_torch(
    onnx_embedder: Embedder, torch_embedder: Embedder
) -> None:
    texts = [*SENTENCES, "word " * 600]
    assert onnx_embedder.token_counts(texts) == torch_embedder.token_counts(texts)
    assert onnx_embedder.max_tokens == torch_embedder.max_tokens
    assert onnx_embedder.dimension == torch_embedder.dimension


def test_second_load_reuses_the_cache(
    onnx_embedder: Embedder, onnx_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("exported again although the cache holds the model")

    monkeypatch.setattr(onnx_export, "export_onnx", refuse)
    start = time.perf_counter()
    again = Embedder(backend="onnx", onnx_cache=onnx_cache)
    again.warm_up()
    assert time.perf_counter() - start < 10
    np.testing.assert_allclose(again.encode(SENTENCES), onnx_embedder.encode(SENTENCES), atol=1e-6)


def test_fingerprint_follows_the_model_files(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"hidden_size": 384}')
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    first = model_fingerprint(tmp_path)
    assert model_fingerprint(tmp_path) == first
    (tmp_path / "config.json").write_text('{"hidden_size": 768}')
    assert model_fingerprint(tmp_path) != first


def test_unsupported_model_is_a_one_line_error(tmp_path: Path) -> None:
    model = tmp_path / "cls-model"
    (model / "1_Pooling").mkdir(parents=True)
    layout = [
        {"path": "", "type": "sentence_transformers.models.Transformer"},
        {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ]
    (model / "modules.json").write_text(json.dumps(layout))
    (model / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')
    with pytest.raises(OnnxExportError, match="only mean-pooling") as caught:
        Embedder(str(model), backend="onnx", onnx_cache=tmp_path / "cache").warm_up()
    assert isinstance(caught.value, NewsbotError)
    assert "\n" not in str(caught.value) and "NEWSBOT_EMBEDDING_BACKEND=torch" in str(caught.value)


def test_newsbot_answers_with_the_onnx_backend(onnx_embedder: Embedder, tmp_path: Path) -> None:
    bot = Newsbot.open(
        Settings(data_dir=tmp_path / "data", embedding_backend="onnx"), embedder=onnx_embedder
    )
    try:
        report = bot.ingest([ROOT / "seeds"])
        assert report.new == 7 and report.chunks_written > 0
        answer = bot.ask("Who was jailed for releasing rats outside a mosque?")
        assert answer.found
        assert "Fowler" in answer.text
        assert answer.citations[0].title.startswith("Man jailed")
    finally:
        bot.close()
