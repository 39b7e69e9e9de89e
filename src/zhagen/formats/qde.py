"""How detection knows a REFI-QDA project (``.qde``, ``.qdpx``): its format declaration only.

``zhagen add`` does not import projects: detection sends them to ``zhagen import-qdpx``
(:mod:`zhagen.formats.refi_qda`). The declaration lives apart from that package, so that
detecting the format of a file, which imports every reader module, does not import the
REFI-QDA model, reader and writer (~0.1 s at each ``zhagen add``).

>>> from zhagen.formats.detect import Head
>>> FORMAT_SPECS[0].sniff(Head('<Project xmlns="urn:QDA-XML:project:1.0">', ".qde")).confidence
0.99
"""

from __future__ import annotations

from zhagen.formats.detect import NO, FormatSpec, Head, Sniff

__all__ = ["FORMAT_SPECS"]


def _sniff(head: Head) -> Sniff:
    """A bare REFI-QDA project (``.qde``): XML whose root is a QDA-XML ``Project``."""
    start = head.text[:4096]
    if "<Project" in start and "urn:QDA-XML:project" in start:
        return Sniff(0.99, "a REFI-QDA <Project>")
    return NO


#: What ``zhagen import-qdpx`` reads (:mod:`zhagen.formats.refi_qda.read`).
FORMAT_SPECS = (
    FormatSpec(
        "refi-qda",
        "zhagen.formats.refi_qda.read",
        None,
        (".qde", ".qdpx"),
        _sniff,
        redirect=(
            "这是 REFI-QDA 项目（NVivo/ATLAS.ti/MAXQDA 导出），不是文献或文本文件；"
            "请用 `zhagen import-qdpx` 导入（它也接受单独的 .qde 文件）",
            "this is a REFI-QDA project (exported by NVivo/ATLAS.ti/MAXQDA), not a "
            "bibliography or text file; import it with `zhagen import-qdpx` (which also "
            "accepts a bare .qde file)",
        ),
    ),
)
