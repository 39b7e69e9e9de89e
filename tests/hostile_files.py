"""Hand-made hostile files shared by ``test_hostile_input.py`` and the fuzzing harness."""

from __future__ import annotations

import threading
import zlib


def simple_pdf(pages: list[bytes], *, compress: bool = False) -> bytes:
    """A PDF whose pages have these content streams (text in Helvetica, font ``/F1``)."""
    count = len(pages)
    font = 3 + 2 * count
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count)).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
    ]
    for i, ops in enumerate(pages):
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font)
        )
        body, flt = (zlib.compress(ops, 9), b" /Filter /FlateDecode") if compress else (ops, b"")
        objs.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(body), flt, body))
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def encryption_flag(data: bytes) -> bytes:
    """A zip archive with bit 0 (encrypted) of the flags set in every local and central header."""
    buf = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = buf.find(sig)
        while at >= 0:
            buf[at + off] |= 1
            at = buf.find(sig, at + 4)
    return bytes(buf)


class PeakRSS:
    """This process's peak resident memory while a block runs (sampled every 5 ms by a
    thread: ``ru_maxrss`` cannot be reset, so it cannot tell one import's peak)."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __enter__(self) -> PeakRSS:
        self.start = self.peak = self.proc.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
