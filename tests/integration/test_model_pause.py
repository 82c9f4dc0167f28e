"""Background generation pauses between tokens while the user's work runs (real llama.cpp)."""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from app.llm.runtime import LocalModel

MESSAGES = [{"role": "user", "content": "Name one fruit, as JSON."}]
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"fruit": {"type": "string"}},
    "required": ["fruit"],
}


def wait_until(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_paused_reply_waits_while_asked_and_then_reads_the_same(model: LocalModel) -> None:
    plain = model.complete_json(MESSAGES, SCHEMA, 24)
    pause = threading.Event()
    pause.set()
    polls: list[float] = []

    def should_pause() -> bool:
        polls.append(time.monotonic())
        return pause.is_set()

    with ThreadPoolExecutor(1) as pool:
        reply = pool.submit(model.complete_json, MESSAGES, SCHEMA, 24, should_pause)
        wait_until(lambda: len(polls) > 3)  # held before it starts, and between tokens
        assert not reply.done()
        pause.clear()
        assert reply.result(timeout=60) == plain


def test_a_call_waiting_for_the_model_is_not_held_up_by_a_pause(model: LocalModel) -> None:
    # The user's own answer may need the model that background work paused on: the pause
    # gives way to it (otherwise both would wait for each other for ever).
    polled = threading.Event()

    def always() -> bool:
        polled.set()
        return True

    with ThreadPoolExecutor(1) as pool:
        reply = pool.submit(model.complete_json, MESSAGES, SCHEMA, 24, always)
        polled.wait(60)
        assert model.count_tokens("hello there") > 0
        text, finish = reply.result(timeout=60)
    assert "fruit" in text and finish


@pytest.mark.skipif(sys.platform != "linux", reason="thread priorities are per thread on Linux")
def test_background_calls_run_at_the_lowest_cpu_priority(model: LocalModel) -> None:
    # A long prompt is evaluated in one go (no pause between tokens there): at nice 19,
    # llama.cpp's threads started for it yield the CPU to the user's question meanwhile.
    model.complete_json(MESSAGES, SCHEMA, 8, lambda: False)
    model.count_tokens("and one of the user's")
    threads = {t.name.split("_")[0]: t.native_id for t in threading.enumerate()}
    assert os.getpriority(os.PRIO_PROCESS, threads["llama-background"]) == 19
    assert os.getpriority(os.PRIO_PROCESS, threads["llama-owner"]) == os.getpriority(
        os.PRIO_PROCESS, 0
    )


def test_a_long_prompt_read_in_steps_gives_the_same_reply(model: LocalModel) -> None:
    # A background call reads its prompt 64 tokens at a time (pausing between steps).
    story = "Tom fixed the boiler on Monday, then went to Leeds to see his sister Ines. " * 12
    messages = [{"role": "user", "content": f"{story}\nWho did Tom visit? Answer as JSON."}]
    assert model.count_tokens(story) > 3 * 64
    model.complete_json(MESSAGES, SCHEMA, 8)  # another prompt first: nothing of it is cached
    stepped = model.complete_json(messages, SCHEMA, 16, lambda: False)
    model.complete_json(MESSAGES, SCHEMA, 8)
    assert model.complete_json(messages, SCHEMA, 16) == stepped
