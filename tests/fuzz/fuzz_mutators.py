"""Seeded mutations of real files, for the import fuzzing harness (``test_fuzz_import.py``).

A mutant is ``mutate(rng, data, suffix) -> (kind, bytes)``: the same seed always gives the
same bytes, so a failure is reproduced from its seed alone. Text mutations damage bytes and
encodings the way copies, editors and exports do; zip mutations edit the archive directory
and the XML inside ``.docx``, ``.xlsx`` and ``.qdpx`` files.
"""

from __future__ import annotations

import codecs
import io
import random
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable

from hostile_files import encryption_flag

Mutator = Callable[[random.Random, bytes], bytes]

ZIP_SUFFIXES = {".docx", ".xlsx", ".qdpx"}


# --- bytes ----------------------------------------------------------------------------------


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(0, max(1, len(data)))]


def byte_flips(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice([1, 3, 10, 100])):
        if buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def nuls(rng: random.Random, data: bytes) -> bytes:
    """A run of NULs inserted or appended: a few, or past the padding threshold."""
    run = bytes(rng.choice([1, 7, 600, 5000, 70_000]))
    at = len(data) if rng.random() < 0.5 else rng.randrange(0, len(data) + 1)
    return data[:at] + run + data[at:]


def splice(rng: random.Random, data: bytes) -> bytes:
    """A random span deleted, or copied elsewhere (lines lost or repeated)."""
    if len(data) < 4:
        return data + data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randrange(1, max(2, len(data) // 4)))
    if rng.random() < 0.5:
        return data[:a] + data[b:]
    at = rng.randrange(len(data))
    return data[:at] + data[a:b] + data[at:]


# --- text -------------------------------------------------------------------------------------


def _text(data: bytes) -> tuple[str, bytes]:
    for bom in (codecs.BOM_UTF8, b""):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode("utf-8"), bom
            except UnicodeDecodeError:
                pass
    return data.decode("gb18030", "replace"), b""


def reencode(rng: random.Random, data: bytes) -> bytes:
    text, _bom = _text(data)
    enc = rng.choice(["gb18030", "big5hkscs", "utf-16-le", "utf-16-be", "utf-32", "cp1252"])
    return text.encode(enc, "replace")


def bom_variant(rng: random.Random, data: bytes) -> bytes:
    text, bom = _text(data)
    boms = [
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 * 2,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE,
        b"",
    ]
    choice = rng.choice(boms)
    if choice in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and rng.random() < 0.5:
        enc = "utf-16-le" if choice == codecs.BOM_UTF16_LE else "utf-16-be"
        return choice + text.encode(enc)  # a right BOM
    return choice + text.encode("utf-8")  # a right one, two, or a wrong one


def long_line(rng: random.Random, data: bytes) -> bytes:
    """A line of about 1 MB (no line end in it) inserted at a line start."""
    filler = rng.choice([b"x", "长".encode(), b"\t", b"a,", b'{"'])
    line = filler * ((1 << 20) // len(filler))
    starts = [m.end() for m in re.finditer(rb"\n", data[:200_000])] or [0]
    at = rng.choice(starts)
    return data[:at] + line + (b"\n" if rng.random() < 0.5 else b"") + data[at:]


def duplicate_header(rng: random.Random, data: bytes) -> bytes:
    """The first lines (FN/VR, a CSV header, the first field lines) repeated."""
    lines = data.splitlines(keepends=True)
    n = rng.randrange(1, min(4, len(lines)) + 1) if lines else 0
    times = rng.choice([2, 3, 50])
    return b"".join(lines[:n]) * times + b"".join(lines[n:])


def broken_utf8(rng: random.Random, data: bytes) -> bytes:
    bad = [b"\x80", b"\xc3", b"\xe6\x96", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xed\xa0\x80",
           b"\xff\xfe", b"\xf4\x90\x80\x80"]  # fmt: skip
    buf = bytearray(data)
    for _ in range(rng.choice([1, 5, 50])):
        at = rng.randrange(len(buf) + 1)
        buf[at:at] = rng.choice(bad)
    return bytes(buf)


def json_escapes(rng: random.Random, data: bytes) -> bytes:
    """Lone surrogates and other odd escapes put inside JSON strings."""
    escapes = [b"\\udc00", b"\\ud800", b"\\ud83d", b"\\u0000", b"\\uffff", b"\\", b'\\"', b"\\x41"]
    buf = bytearray(data)
    quotes = [m.start() + 1 for m in re.finditer(rb'":\s*"', bytes(buf[:500_000]))]
    for _ in range(rng.choice([1, 4])):
        if quotes:
            at = rng.choice(quotes) + 1
            buf[at:at] = rng.choice(escapes)
    return bytes(buf)


TEXT_MUTATORS: dict[str, Mutator] = {
    "truncate": truncate,
    "byte-flips": byte_flips,
    "nuls": nuls,
    "splice": splice,
    "reencode": reencode,
    "bom": bom_variant,
    "long-line": long_line,
    "duplicate-header": duplicate_header,
    "broken-utf8": broken_utf8,
    "json-escapes": json_escapes,
}


# --- zip archives and their XML ------------------------------------------------------------------


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _write(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": wanted
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, body in members:
                zf.writestr(info, body)
    return out.getvalue()


def _xml_member(rng: random.Random, members: list[tuple[zipfile.ZipInfo, bytes]]) -> int:
    xml = [i for i, (info, _b) in enumerate(members) if info.filename.endswith((".xml", ".qde"))]
    main = [
        i
        for i in xml
        if members[i][0].filename in ("word/document.xml", "project.qde")
        or "worksheets/sheet" in members[i][0].filename
        or "sharedStrings" in members[i][0].filename
    ]
    pool = main if main and rng.random() < 0.7 else xml or list(range(len(members)))
    return rng.choice(pool)


def _xml_edit(rng: random.Random, body: bytes) -> bytes:
    choice = rng.randrange(8)
    if choice == 0:  # cut short
        return body[: rng.randrange(max(1, len(body)))]
    if choice == 1:  # a different root
        return re.sub(rb"<([A-Za-z:]+)", b"<zz:root", body, count=1)
    if choice == 2:  # an entity expansion (must not be resolved)
        head = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"A" * 1000 + b'">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')  # fmt: skip
        return head + re.sub(rb"^<\?xml[^>]*\?>", b"", body)
    if choice == 3:  # deep nesting
        depth = rng.choice([100, 5000, 100_000])
        at = body.find(b">", body.find(b"<", 2)) + 1
        return body[:at] + b"<x>" * depth + b"</x>" * depth + body[at:]
    if choice == 4:  # many tiny elements
        at = body.rfind(b"</")
        return body[:at] + b"<x/>" * rng.choice([1000, 300_000]) + body[at:]
    if choice == 5:  # text mutations on the XML
        return rng.choice([byte_flips, broken_utf8, nuls, splice])(rng, body)
    if choice == 6:  # an external entity (XXE)
        return (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + re.sub(rb"^<\?xml[^>]*\?>", b"", body).replace(b">", b">&x;", 2))  # fmt: skip
    return b""  # empty part


def _corrupt_deflate(rng: random.Random, data: bytes) -> bytes:
    """Bytes scrambled inside one member's compressed stream (the directory intact)."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if i.compress_size > 8]
    if not infos:
        return data
    info = rng.choice(infos)
    name_len, extra_len = struct.unpack_from("<HH", buf, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    a = start + rng.randrange(info.compress_size)
    for i in range(a, min(a + rng.choice([1, 8, 64]), start + info.compress_size)):
        buf[i] ^= rng.randrange(1, 256)
    return bytes(buf)


def _declared_size(rng: random.Random, data: bytes) -> bytes:
    """A member's declared uncompressed size changed (tiny or huge) in both headers."""
    buf = bytearray(data)
    size = rng.choice([0, 5, 5000, 0x7FFFFFFF, 0xFFFFFFFF])
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        hits = [m.start() for m in re.finditer(re.escape(sig), bytes(buf))]
        if hits:
            struct.pack_into("<I", buf, rng.choice(hits) + off, size)
    return bytes(buf)


def zip_edit(rng: random.Random, data: bytes) -> bytes:
    try:
        members = _members(data)
    except (zipfile.BadZipFile, ValueError, EOFError, RuntimeError, zlib.error):
        return byte_flips(rng, data)
    choice = rng.randrange(7)
    if choice == 0 and members:  # drop a member
        del members[rng.randrange(len(members))]
        return _write(list(members))
    if choice == 1 and members:  # duplicate a member (a second, different copy)
        info, body = members[_xml_member(rng, members)]
        return _write([*members, (info.filename, _xml_edit(rng, body))])
    if choice == 2:
        return encryption_flag(data)
    if choice == 3:
        return _corrupt_deflate(rng, data)
    if choice == 4:
        return _declared_size(rng, data)
    if choice == 5:  # a stored member that inflates huge (a small zip bomb)
        bomb = zipfile.ZipInfo("word/media/bomb.bin")
        return _write([*members, (bomb, bytes(rng.choice([2, 30]) << 20))])
    i = _xml_member(rng, members)
    info, body = members[i]
    members[i] = (info, _xml_edit(rng, body))
    return _write(list(members))


def mutate(rng: random.Random, data: bytes, suffix: str) -> tuple[str, bytes]:
    """One mutation (its kind and the mutated bytes) of a file's ``data``."""
    if suffix in ZIP_SUFFIXES and rng.random() < 0.75:
        return "zip-edit", zip_edit(rng, data)
    kind = rng.choice(sorted(TEXT_MUTATORS))
    return kind, TEXT_MUTATORS[kind](rng, data)
