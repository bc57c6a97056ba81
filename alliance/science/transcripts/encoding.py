"""Decoding transcript bytes: UTF-8, UTF-16 and Latin-1/Windows-1252, or a clear refusal."""

from __future__ import annotations

from collections.abc import Iterator

from alliance.science.errors import InputError, Location


def decode_bytes(data: bytes, location: Location) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 or Latin-1/Windows-1252 text.

    Windows-1252 is tried for anything that is not UTF: it is what Word and
    Excel write on French Windows machines, and a superset of Latin-1's
    printable characters. Text that still looks binary is refused.
    """
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return strict_decode(data[len(bom) :], encoding, location), encoding
    utf16 = guess_utf16_without_bom(data)
    if utf16:
        return strict_decode(data, utf16, location), utf16
    try:
        return checked_text(data.decode("utf-8"), location), "utf-8"
    except UnicodeDecodeError:
        pass
    text = "".join(decode_windows_1252_or_latin_1(data))
    return checked_text(text, location), "windows-1252"


def guess_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of Latin script has a zero in every other byte."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / len(sample[0::2])
    odd_zeros = sample[1::2].count(0) / len(sample[1::2])
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def decode_windows_1252_or_latin_1(data: bytes) -> Iterator[str]:
    # Five bytes are undefined in Windows-1252; Latin-1 maps them to controls.
    for byte in data:
        try:
            yield bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            yield chr(byte)


def strict_decode(data: bytes, encoding: str, location: Location) -> str:
    try:
        return checked_text(data.decode(encoding), location)
    except UnicodeDecodeError as error:
        raise undecodable(location) from error


def checked_text(text: str, location: Location) -> str:
    """Refuse text full of control characters: it is a binary file, not a transcript."""
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 100):
        raise undecodable(location)
    return text.replace("\x00", "").replace("\ufeff", "")


def undecodable(location: Location) -> InputError:
    return InputError(
        "The file could not be read as text. Save the transcript as UTF-8 text, or export "
        "it as .vtt, .srt, .docx, .txt or .csv.",
        code="transcript_undecodable",
        location=location,
    )
