"""run.py: the process pool a large import reads its chunks with."""

from __future__ import annotations

import threading

from zhagen.run import _context, map_partitions


def test_single_threaded_process_forks_and_keeps_order():
    assert threading.active_count() == 1 or _context().get_start_method() == "forkserver"
    assert list(map_partitions(len, [[1, 2], [3], [4, 5, 6]], workers=2)) == [2, 1, 3]


def test_threaded_process_starts_workers_from_a_fork_server():
    # A process with other threads (the web workbench) must not fork its workers directly:
    # a lock held by another thread at the fork would stay held in the child for ever.
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        assert _context().get_start_method() == "forkserver"
        parts = [list(range(n)) for n in (5, 0, 7, 1)]
        assert list(map_partitions(sum, parts, workers=2)) == [10, 0, 21, 0]
    finally:
        done.set()
        other.join()


def _fail(part: list[int]) -> int:
    from zhagen.errors import InputError

    raise InputError("坏记录", "bad record", file="x.txt", record=part[0], line=7)


def test_a_workers_bilingual_error_reaches_the_parent_whole():
    import pickle

    import pytest

    from zhagen.errors import InputError, ParameterError

    err = pickle.loads(pickle.dumps(ParameterError("参数", "parameter", file="f")))
    assert type(err) is ParameterError and err.message == "f: 参数 / parameter"
    with pytest.raises(InputError) as info:
        list(map_partitions(_fail, [[3], [4]], workers=2))
    assert info.value.message == "x.txt: record 3, line 7: 坏记录 / bad record"


def _refaults(size: int) -> int:
    """Page faults of this process while it makes a buffer of ``size`` bytes a second
    time, after making and dropping one of the same size."""
    import resource

    buf = bytearray(b"\x01" * size)
    del buf
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    buf = bytearray(b"\x02" * size)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    assert buf[-1] == 2
    return after - before


def test_a_pool_worker_keeps_the_memory_it_frees_for_its_next_partition():
    # An import worker makes and drops the same working set for every chunk: glibc would
    # map each large buffer afresh and fault its pages in again (see run._keep_heap).
    import platform
    import sys

    import pytest

    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    size = 24 << 20  # 6 144 pages of 4 KiB, over glibc's largest default mapping threshold
    (faults,) = map_partitions(_refaults, [size], workers=2)
    assert faults < 600  # the pages were kept: a fresh mapping faults ~6 000 (12 000: bytes + copy)
