"""LocalModel: one llama.cpp model, used by one call at a time.

llama.cpp instances are not thread-safe, so every call, loading included, runs on one of the
model's own threads and holds the model's lock: the user's calls on the owner thread,
background calls (extraction) on a thread of the lowest CPU priority. Callers on other
threads (the CLI, the GUI's workers) wait on futures or read streamed tokens from a queue.
The model loads on first use.
"""

from __future__ import annotations

import gc
import os
import queue
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from app.core.errors import EnvironmentProblem
from app.llm.catalog import GGUF_MAGIC

ChatMessages = list[dict[str, str]]
_DONE = object()


@dataclass(frozen=True)
class ModelSettings:
    context_tokens: int = 2048
    threads: int = max(1, min(4, os.cpu_count() or 1))
    seed: int = 7


_log_callback: Any = None
PAUSE_CHECK_S = 0.25  # a paused background call looks again this often (the gate's calm)
PROMPT_STEP = 64  # prompt tokens a background call reads between two looks at the user
_quiet_lock = threading.Lock()


class _KeepStreams:
    """Stands in for llama-cpp-python's `suppress_stdout_stderr`, which with verbose=False
    points file descriptors 1 and 2 at /dev/null while a model loads. Descriptors belong to
    the whole process: whatever another thread printed meanwhile was lost (`reverie ask --json
    | cat` printed nothing when the answer came before the load ended), and two overlapping
    loads could restore the wrong descriptor. Nothing needs hiding at that level anyway:
    llama.cpp's C logs go to the callback below, and llama-cpp-python's own prints (system
    info, metadata, chat format) only happen with verbose=True."""

    def __init__(self, disable: bool = True) -> None:
        pass

    def __enter__(self) -> _KeepStreams:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _quiet_llama() -> None:
    """Keep llama.cpp silent without touching the process's output (once per process;
    both the model's owner thread and `chat_template` callers may get here first)."""
    global _log_callback
    with _quiet_lock:
        if _log_callback is not None:
            return
        import ctypes

        import llama_cpp
        import llama_cpp._internals
        import llama_cpp.llama
        import llama_cpp.llama_chat_format

        for module in (llama_cpp.llama, llama_cpp._internals, llama_cpp.llama_chat_format):
            # Each module imported the name; replace it where it is looked up.
            if not hasattr(module, "suppress_stdout_stderr"):
                raise RuntimeError(f"{module.__name__} no longer has suppress_stdout_stderr")
            module.suppress_stdout_stderr = _KeepStreams  # type: ignore[attr-defined]

        # llama.cpp writes its own notes to stderr (through its log) whatever `verbose` says;
        # failures still surface as exceptions, so the log goes nowhere.
        @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
        def ignore(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            pass

        llama_cpp.llama_log_set(ignore, ctypes.c_void_p())
        _log_callback = ignore


def _lowest_priority() -> None:
    """Nice 19 for the calling thread (Linux sets it per thread, and threads it starts inherit
    it); elsewhere, or where it is refused, background calls run at normal priority."""
    if sys.platform != "linux":
        return
    with suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def check_model_file(path: Path) -> None:
    """Clear errors for the usual mistakes, before llama.cpp prints a wall of text."""
    if not path.exists():
        raise EnvironmentProblem(
            f"model file not found: {path}. Put a .gguf file in the models folder or pick "
            "one with --model (the bundled model installs with the README's setup command)"
        )
    if not path.is_file():
        raise EnvironmentProblem(f"{path} is a folder, not a model file")
    with path.open("rb") as handle:
        header = handle.read(24)
    if header[:4] != GGUF_MAGIC:
        raise EnvironmentProblem(f"{path} is not a GGUF model file (wrong header)")
    # GGUF header: magic, uint32 version, uint64 tensor count, uint64 metadata count.
    version, tensors, _ = struct.unpack("<IQQ", header[4:24]) if len(header) == 24 else (0, 0, 0)
    if version not in (2, 3) or tensors == 0:
        raise EnvironmentProblem(
            f"{path} is damaged or truncated (GGUF version {version}, {tensors} tensors)"
        )


class LocalModel:
    def __init__(self, path: Path, settings: ModelSettings | None = None) -> None:
        check_model_file(path)
        self.path = path
        self.settings = settings or ModelSettings()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama-owner")
        # Background calls (extraction) run on a thread of the lowest CPU priority, so that
        # llama.cpp's threads, started from it, yield the CPU to the user's question even
        # while a long prompt is evaluated (which cannot pause between tokens).
        self._background = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="llama-background", initializer=_lowest_priority
        )
        self._use = threading.Lock()  # llama.cpp is not thread-safe: one call at a time
        self._llama: Any = None
        self._closed = threading.Event()
        self._queued = 0  # the user's calls submitted and not yet running
        self._queued_lock = threading.Lock()
        self._wake = threading.Event()  # a user's call arrived: a paused one gives way

    # A call may pause between tokens (complete_json's `should_pause`).
    pausable = True

    @property
    def name(self) -> str:
        return self.path.name

    def _model(self) -> Any:
        """Runs on one of the model's threads, holding its lock."""
        if self._llama is None:
            from llama_cpp import Llama

            _quiet_llama()
            failure = None
            with _quiet_llama_destructors():
                try:
                    self._llama = Llama(
                        model_path=str(self.path),
                        n_ctx=self.settings.context_tokens,
                        n_threads=self.settings.threads,
                        seed=self.settings.seed,
                        verbose=False,
                    )
                except (ValueError, RuntimeError, OSError) as error:
                    failure = str(error)
                gc.collect()
            if failure is not None:
                raise EnvironmentProblem(
                    f"llama.cpp could not load {self.path.name}: {failure}. The file may be "
                    "damaged or of a model architecture this llama.cpp does not know"
                )
        return self._llama

    def _submit(self, job: Any, *args: Any, background: bool = False) -> Future[Any]:
        if self._closed.is_set():
            raise EnvironmentProblem("the model was closed")
        if background:

            def in_background() -> Any:
                with self._use:
                    return job(*args)

            return self._background.submit(in_background)

        def started() -> Any:
            with self._use:
                with self._queued_lock:
                    self._queued -= 1  # counted as waiting until it holds the model
                return job(*args)

        with self._queued_lock:
            self._queued += 1
        self._wake.set()
        try:
            return self._executor.submit(started)
        except RuntimeError:
            with self._queued_lock:
                self._queued -= 1
            raise

    def _others_waiting(self) -> bool:
        with self._queued_lock:
            return self._queued > 0

    def load(self) -> None:
        self._submit(self._model).result()

    def preload(self) -> None:
        """Start loading on the owner thread without waiting (overlaps other start-up work);
        a load error surfaces on the first real call."""
        self._submit(self._model)

    def prime(self, messages: ChatMessages) -> None:
        """Evaluate a prompt's fixed opening (instructions, worked example) ahead of time on
        the owner thread: llama.cpp reuses the cached prefix when the full prompt arrives, so
        only the new part is evaluated then. Without waiting; a failure just means no gain."""

        def job() -> None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            llama = self._model()
            template = llama.metadata.get("tokenizer.chat_template")
            if not template:
                return
            vocab = llama._model
            formatter = Jinja2ChatFormatter(
                template=template,
                eos_token=vocab.token_get_text(vocab.token_eos()),
                bos_token=vocab.token_get_text(vocab.token_bos()),
                add_generation_prompt=False,
            )
            prompt = formatter(messages=cast(Any, messages)).prompt
            tokens = llama.tokenize(prompt.encode(), add_bos=False, special=True)
            llama.reset()
            llama.eval(tokens)

        self._submit(job)

    def count_tokens(self, text: str) -> int:
        def job() -> int:
            return len(self._model().tokenize(text.encode(), add_bos=False))

        return int(self._submit(job).result())

    def complete_json(
        self,
        messages: ChatMessages,
        schema: dict[str, Any],
        max_tokens: int,
        should_pause: Callable[[], bool] | None = None,
    ) -> tuple[str, str]:
        """A reply constrained to `schema` (a llama.cpp grammar): (text, finish_reason).

        With `should_pause` (background work), generation stops between two tokens while it
        says so (the user's question is running and needs the CPU), except when another call
        is waiting for this model: the user's own answer may need it."""

        def job() -> tuple[str, str]:
            request = {
                "messages": messages,
                "response_format": {"type": "json_object", "schema": schema},
                "max_tokens": max_tokens,
                "temperature": 0.0,
                "repeat_penalty": 1.3,
            }
            if should_pause is None:
                reply = self._model().create_chat_completion(**request)
                choice = reply["choices"][0]
                return choice["message"]["content"] or "", choice.get("finish_reason") or ""

            def wait() -> None:
                # Long waits, woken early by a call for this model: each check takes the GIL,
                # and at nice 19 this thread may get the CPU late, holding up the user's thread
                # that had to hand it over (checks every 10 ms doubled a question's time).
                while should_pause() and not self._others_waiting() and not self._closed.is_set():
                    self._wake.wait(PAUSE_CHECK_S)
                    self._wake.clear()

            wait()  # not even the prompt's set-up (template, grammar) while the user waits
            llama = self._model()
            whole = llama.eval

            def in_steps(tokens: Any) -> None:
                # The prompt too is read a step at a time, pausing between steps: read whole,
                # a long prompt held the CPU for seconds whatever the user was doing.
                for start in range(0, len(tokens), PROMPT_STEP):
                    wait()
                    whole(tokens[start : start + PROMPT_STEP])

            llama.eval = in_steps  # this call only (the instance's own attribute)
            pieces: list[str] = []
            finish = ""
            try:
                for chunk in llama.create_chat_completion(**request, stream=True):
                    choice = chunk["choices"][0]
                    pieces.append(choice["delta"].get("content") or "")
                    finish = choice.get("finish_reason") or finish
                    wait()
            finally:
                del llama.eval
            return "".join(pieces), finish

        result: tuple[str, str] = self._submit(job, background=should_pause is not None).result()
        return result

    def stream_chat(self, messages: ChatMessages, max_tokens: int) -> Iterator[str]:
        """Tokens as the model produces them; generation runs on the owner thread."""
        tokens: queue.Queue[object] = queue.Queue()

        def job() -> None:
            try:
                for chunk in self._model().create_chat_completion(
                    messages=messages,
                    max_tokens=max_tokens,
                    temperature=0.0,
                    repeat_penalty=1.2,
                    stream=True,
                ):
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        tokens.put(piece)
            except BaseException as error:  # handed to the consumer, re-raised there
                tokens.put(error)
            finally:
                tokens.put(_DONE)

        self._submit(job)
        while (item := tokens.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield str(item)

    def close(self) -> None:
        """Free the model on its own thread (llama.cpp objects left to interpreter shutdown
        print ResourceWarnings)."""
        if self._closed.is_set():
            return

        def free() -> None:
            if self._llama is not None:
                self._llama.close()
                self._llama = None

        self._submit(free).result()
        self._closed.set()
        self._executor.shutdown(wait=True)
        self._background.shutdown(wait=True)


def chat_template(path: Path) -> str | None:
    """The chat template a GGUF file carries, read with the vocabulary only (no weights)."""
    check_model_file(path)
    from llama_cpp import Llama

    _quiet_llama()
    try:
        vocab = Llama(model_path=str(path), vocab_only=True, verbose=False)
    except (ValueError, RuntimeError, OSError):
        return None
    template = vocab.metadata.get("tokenizer.chat_template")
    vocab.close()
    return str(template) if template else None


@contextmanager
def _quiet_llama_destructors() -> Iterator[None]:
    """After a failed load, llama-cpp-python's half-built objects raise AttributeError in
    __del__ (a known upstream bug) and print a traceback; drop exactly that noise."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, AttributeError):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous
