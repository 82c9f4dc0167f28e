"""numpy's matrix products on one thread.

numpy's OpenBLAS starts a worker thread per extra core, and after each product that worker
spins waiting for more work: at 10k memories it burned ~14 ms of CPU per search (as much as
the search itself) for products of a few hundred rows, which one thread does in microseconds.
On a 2-core machine that spinning takes the core that the embedder and Chroma need.
"""

from __future__ import annotations

import functools

import numpy  # noqa: F401  (loads OpenBLAS, which threadpoolctl can only limit once loaded)
from threadpoolctl import threadpool_limits


@functools.cache
def use_one_blas_thread() -> None:
    """Limit numpy's BLAS to the calling thread, for the whole process (once is enough)."""
    threadpool_limits(limits=1, user_api="blas")
