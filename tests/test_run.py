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
