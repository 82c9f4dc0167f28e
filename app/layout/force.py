"""Force-directed layout of the memory graph with igraph's Fruchterman-Reingold (with its
grid, ~2 s for 10k nodes on two cores; without it, over two minutes).

igraph's C core keeps Python's GIL for the whole layout, so on a thread it would freeze the
GUI for seconds; it runs in a worker process instead (spawned once, kept for the session),
and the caller waits on a future.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np
import numpy.typing as npt

# igraph switches to its grid variant above 1000 nodes; measured here it is faster from a few
# hundred (1k nodes: 0.5 s with the grid, 5.9 s without, on a loaded two-core machine).
GRID_ABOVE = 200


def lay_out(
    count: int,
    edges: Sequence[tuple[int, int]],
    seed: npt.NDArray[np.float64] | None = None,
    iterations: int = 500,
) -> npt.NDArray[np.float64]:
    """Positions (count x 2) for nodes 0..count-1; `seed` starts from known positions, so a
    view that gained a few nodes keeps its shape."""
    import igraph

    if count == 0:
        return np.zeros((0, 2))
    graph = igraph.Graph(n=count, edges=list(edges))
    kwargs: dict[str, object] = {"niter": iterations, "grid": count > GRID_ABOVE}
    if seed is not None:
        kwargs["seed"] = seed.tolist()
    layout = graph.layout_fruchterman_reingold(**kwargs)
    return np.asarray(layout.coords, dtype=np.float64).reshape(count, 2)


class LayoutPool:
    """One worker process for layouts, started on first use."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def submit(
        self,
        count: int,
        edges: Sequence[tuple[int, int]],
        seed: npt.NDArray[np.float64] | None = None,
        iterations: int = 500,
    ) -> Future[npt.NDArray[np.float64]]:
        if self._pool is None:
            # spawn, not fork: the parent has Qt and worker threads that a fork would copy.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._pool.submit(lay_out, count, list(edges), seed, iterations)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
