"""A small PNG encoder for the figures: the pixels matplotlib drew, written faster.

matplotlib saves a PNG through Pillow, which compresses every row of the RGBA buffer with
an adaptive filter; at 300 dpi a figure is 5–15 million pixels and that took 0.4–0.8 s
each, more than drawing it. A figure is drawn on white, so its alpha channel is 255
everywhere: this encoder writes RGB (a quarter less data, copied a channel at a time,
four times faster than numpy's copy of three-byte pixels) with no row filter (the figures
are flat colours, where deflate alone does better than a filter), deflated by ISA-L
(``isal``) at its level 1 — about six times faster than zlib at level 3 on the map's
figures, for files about 17 % larger (zlib at level 3 when ``isal`` is missing). The
pixels are exactly those matplotlib drew (the tests decode both and compare them); an
image with any transparent pixel is written as RGBA.

>>> import numpy as np, zlib
>>> data = encode_png(np.full((2, 3, 4), 255, np.uint8), dpi=300)
>>> data[:8] == b"\\x89PNG\\r\\n\\x1a\\n", data[12:16], int.from_bytes(data[16:20], "big")
(True, b'IHDR', 3)
"""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["encode_png", "deflate"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))  # of kind + data, without joining them
    return b"".join((struct.pack(">I", len(data)), kind, data, struct.pack(">I", crc)))


def encode_png(
    rgba: np.ndarray, *, dpi: float | None = None, text: dict[str, str] | None = None,
    level: int | None = None,
) -> bytes:  # fmt: skip
    """The PNG file of an ``(height, width, 4)`` uint8 RGBA image.

    Parameters
    ----------
    rgba
        The pixels, top row first (matplotlib's ``canvas.buffer_rgba()``).
    dpi
        Written as the physical pixel size (``pHYs``), as matplotlib does.
    text
        Text entries, such as ``{"Software": "zhagen"}`` (``tEXt``; ``iTXt`` for a value
        outside Latin-1).
    level
        Compression level of :func:`deflate` (None: its default).

    Returns
    -------
    bytes
        The file: RGB when every pixel is opaque, RGBA otherwise.

    Examples
    --------
    >>> import io, numpy as np
    >>> from PIL import Image
    >>> img = np.zeros((2, 2, 4), np.uint8); img[..., 3] = 255; img[0, 1, 0] = 200
    >>> back = Image.open(io.BytesIO(encode_png(img)))
    >>> back.mode, back.getpixel((1, 0))
    ('RGB', (200, 0, 0))
    """
    import numpy as np

    height, width, _ = rgba.shape
    opaque = bool((rgba[..., 3] == 255).all())
    channels = 3 if opaque else 4
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) on every row
    body = rows[:, 1:]
    body.shape = (height, width, channels)  # a view (setting .shape never copies)
    for c in range(channels):  # a channel at a time: byte strides, far faster than pixels
        body[:, :, c] = rgba[:, :, c]
    out = [_SIGNATURE, _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8,
                                                   2 if opaque else 6, 0, 0, 0))]  # fmt: skip
    if dpi:
        per_metre = int(dpi / 0.0254 + 0.5)
        out.append(_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    for key, value in (text or {}).items():
        try:
            out.append(_chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
        except UnicodeEncodeError:  # international text (iTXt): UTF-8, uncompressed
            entry = key.encode("latin-1", "replace") + b"\0\0\0\0\0" + value.encode("utf-8")
            out.append(_chunk(b"iTXt", entry))
    out.append(_chunk(b"IDAT", deflate(rows.data, level)))
    out.append(_chunk(b"IEND", b""))
    return b"".join(out)


def deflate(data: bytes | memoryview, level: int | None = None) -> bytes:
    """``data`` in the zlib format (what a PNG's ``IDAT`` holds): ISA-L at ``level`` (0–3,
    default 1) when ``isal`` is installed, else zlib (default level 3). Any zlib reader
    inflates both.

    >>> zlib.decompress(deflate(b"zhagen " * 100)) == b"zhagen " * 100
    True
    """
    try:
        from isal import isal_zlib
    except ImportError:  # a platform without isal's wheel: the standard library
        return zlib.compress(data, 3 if level is None else level)
    return isal_zlib.compress(data, 1 if level is None else min(level, 3))
