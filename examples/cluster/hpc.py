"""Import and map a large corpus on a Slurm or PBS cluster with zhagen and dask-jobqueue.

zhagen's heavy, parallel work (reading and cleaning the chunks of large exports, whole
files, segmenting texts for a ``--field terms`` map) runs as Dask tasks on single-core
workers that the batch system starts as jobs; this process — the client, on the login
node or in a small job of its own — is the only writer of the project file.

What every node needs:

* the same zhagen version and the same ``ZHAGEN_MAX_*`` environment variables as the
  client (a worker that differs is refused: it would make other documents);
* the files to import, and the shards folder, on a file system every node sees (a home
  or project directory; not ``/tmp`` on one node).

Run it (once ``pip install 'zhagen[cluster]' dask-jobqueue`` on the cluster)::

    python hpc.py study.zhagen /shared/corpus/ --queue slurm --jobs 32 \\
        --shards /shared/zhagen-shards --map-out /shared/map/

An import interrupted (the job of the client ended, a node lost) is run again with the
same command: the chunks the client had merged are skipped (neither read nor merged
again: each chunk's mark is committed with its rows), the shards the workers wrote for
the others are read, not computed again, and files imported whole are skipped.
"""

from __future__ import annotations

import argparse
from typing import Any


def start_cluster(
    queue: str, jobs: int, *, memory: str = "4GB", walltime: str = "02:00:00", **extra: Any
) -> Any:
    """A dask-jobqueue cluster of ``jobs`` single-core workers on ``queue`` (``slurm``
    or ``pbs``), scaled up; ``extra`` goes to the cluster class (``account=``,
    ``queue=``, ``job_extra_directives=[...]`` — see the dask-jobqueue documentation).

    One core and one process per job: zhagen's tasks are CPU-bound Python, and one
    worker a core keeps them from competing for one interpreter's lock."""
    kinds = {"slurm": "SLURMCluster", "pbs": "PBSCluster"}
    if queue not in kinds:
        raise ValueError(f"queue must be one of {sorted(kinds)}, not {queue!r}")
    import dask_jobqueue  # imported here: this file is read (and tested) without it

    cls = getattr(dask_jobqueue, kinds[queue])
    cluster = cls(cores=1, processes=1, memory=memory, walltime=walltime, **extra)
    cluster.scale(jobs=jobs)
    return cluster


def run(project: str, paths: list[str], cluster: Any, shards: str, map_out: str | None) -> None:
    """Import ``paths`` into ``project`` (made if it is not there) through ``cluster``,
    with the workers' results written to ``shards``; then, if ``map_out``, write its
    keyword map there."""
    import os

    from distributed import Client

    import zhagen

    with Client(cluster) as client:
        client.wait_for_workers(1, timeout=600)  # jobs wait in the queue first
        opener = zhagen.Project.open if os.path.exists(project) else zhagen.Project.create
        with opener(project, cluster=client, shards=shards) as p:
            report = p.add(paths)
            print(f"{report.records} records, {len(report.failed)} files failed")
            if map_out:
                p.maps.build().write(map_out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--queue", choices=("slurm", "pbs"), default="slurm")
    ap.add_argument("--jobs", type=int, default=32, help="single-core worker jobs")
    ap.add_argument("--memory", default="4GB", help="memory per worker job")
    ap.add_argument("--walltime", default="02:00:00")
    ap.add_argument("--shards", required=True, help="a folder every node sees")
    ap.add_argument("--map-out", default=None, help="also write the keyword map here")
    args = ap.parse_args(argv)
    cluster = start_cluster(args.queue, args.jobs, memory=args.memory, walltime=args.walltime)
    try:
        run(args.project, args.paths, cluster, args.shards, args.map_out)
    finally:
        cluster.close()


if __name__ == "__main__":  # worker processes may import this file again: start nothing then
    main()
