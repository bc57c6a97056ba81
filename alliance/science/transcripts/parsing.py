"""Reading the session transcripts people actually have.

Supported: WebVTT (Zoom, Teams, Meet), SRT, DOCX (Teams and Word transcripts),
plain text with ``Name: text`` lines (with or without timestamps) and CSV.
Everything arrives as bytes plus a file name, because that is what an upload
or a command line gives; :func:`parse_transcript` decodes (UTF-8, UTF-16,
Latin-1/Windows-1252), recognises the format, finds the speakers, and merges
consecutive pieces of one speaker into one turn, which is the unit the coding
model was trained on. Anything it cannot read raises
:class:`~alliance.science.errors.InputError` with a stable ``code``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from alliance.science.errors import InputError, Location
from alliance.science.transcripts.encoding import decode_bytes

#: Largest transcript accepted, in bytes. A one-hour session is 50–150 kB of
#: text (a DOCX a little more); 10 MB leaves room for very long sessions and
#: stops a wrong file early.
MAX_TRANSCRIPT_BYTES = 10 * 1024 * 1024
MEGABYTE = 1024 * 1024

#: Formats recognised, by the file extensions that name them.
FORMAT_BY_EXTENSION = {
    "vtt": "vtt",
    "webvtt": "vtt",
    "srt": "srt",
    "docx": "docx",
    "txt": "text",
    "text": "text",
    "md": "text",
    "csv": "csv",
    "tsv": "csv",
}
SUPPORTED_EXTENSIONS = tuple(sorted(FORMAT_BY_EXTENSION))

# A speaker name is short; a longer prefix before a colon is a sentence.
MAX_SPEAKER_NAME_LENGTH = 60
MAX_SPEAKER_NAME_WORDS = 6
# The speaker of text that comes before any name (or of a CSV row without one).
UNKNOWN_SPEAKER = "Unknown"


@dataclass(frozen=True)
class Utterance:
    """One turn of speech: who spoke, what was said, and when if known (seconds)."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    conversation: str = ""  # only CSV files hold several conversations
    label: str = ""  # the utterance's own id in a CSV file, if it has one


@dataclass(frozen=True)
class Transcript:
    """A parsed transcript: its turns in order, and the format it was read from."""

    utterances: tuple[Utterance, ...]
    source_format: str
    encoding: str = "utf-8"

    @property
    def speakers(self) -> tuple[str, ...]:
        """The distinct speakers, in order of first appearance."""
        return tuple(dict.fromkeys(utterance.speaker for utterance in self.utterances))

    @property
    def has_timestamps(self) -> bool:
        return any(utterance.start is not None for utterance in self.utterances)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def parse_transcript(data: bytes, filename: str, *, merge_turns: bool = True) -> Transcript:
    """Parse an uploaded transcript; raise :class:`InputError` when it cannot be read."""
    location = Location(file=filename or None)
    check_size(data, location)
    source_format = detect_format(data, filename, location)
    if source_format == "docx":
        text, encoding = docx_text(data, location), "docx"
    else:
        text, encoding = decode_bytes(data, location)
    if not text.strip():
        raise InputError("The transcript is empty.", code="transcript_empty", location=location)
    utterances = PARSERS[source_format](text, location)
    utterances = [u for u in utterances if u.text.strip()]
    if not utterances:
        raise InputError(
            "No speech was found in the transcript: check that it is a session transcript.",
            code="transcript_empty",
            location=location,
        )
    utterances = prefer_longest_known_speaker(utterances)
    if merge_turns:
        utterances = merge_consecutive_turns(utterances)
    return Transcript(tuple(utterances), source_format, encoding)


def check_size(data: bytes, location: Location) -> None:
    if len(data) > MAX_TRANSCRIPT_BYTES:
        raise too_large(len(data), location)
    if not data.strip():
        raise InputError("The transcript is empty.", code="transcript_empty", location=location)


def too_large(size: int, location: Location) -> InputError:
    # In MB, like the web page: nobody thinks of "10240 kB".
    return InputError(
        f"The file is too large ({size / MEGABYTE:.1f} MB; the limit is "
        f"{MAX_TRANSCRIPT_BYTES // MEGABYTE} MB). Split it into sessions.",
        code="transcript_too_large",
        location=location,
        params={"size": size, "limit": MAX_TRANSCRIPT_BYTES},
    )


# ---------------------------------------------------------------------------
# Format and encoding
# ---------------------------------------------------------------------------

# Files people mistake for transcripts, or rename to .txt, recognised by their
# first bytes: what they are ("detected" in the error) and what to do instead.
# A zip (PK\x03\x04) is not here: it is read as .docx.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0", "doc"),  # OLE: Word 97–2003 .doc (or .xls, .msg)
    (b"{\\rtf", "rtf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),  # JPEG
    (b"GIF8", "image"),
    (b"II*\x00", "image"),  # TIFF, as scanners write
    (b"MM\x00*", "image"),
    (b"ID3\x02", "recording"),  # MP3, by its ID3 tag version
    (b"ID3\x03", "recording"),
    (b"ID3\x04", "recording"),
    (b"OggS", "recording"),
    (b"fLaC", "recording"),
    (b"\x1aE\xdf\xa3", "recording"),  # WebM, Matroska
)
DETECTED_KINDS = {  # what the file is, and what to do instead
    "pdf": (
        "a PDF document",
        "Export the transcript from the tool that made it as .vtt, .docx or .txt, or copy its "
        "text into a .txt file.",
    ),
    "doc": ("an old Word document (.doc)", "Open it in Word or LibreOffice and save it as .docx."),
    "rtf": ("an RTF document", "Open it in Word or LibreOffice and save it as .docx or .txt."),
    "image": (
        "an image",
        "Alliance reads transcripts as text, not scans or screenshots: export the transcript as "
        ".vtt, .docx or .txt.",
    ),
    "recording": (
        "an audio or video recording",
        "Alliance reads the transcript of a session, not its recording: export the transcript "
        "(.vtt, .docx or .txt) from the tool that recorded it.",
    ),
}


def detect_format(data: bytes, filename: str, location: Location) -> str:
    """Choose the format from the content when it is binary, else from the extension."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(b"PK\x03\x04"):
        return "docx"  # a zip: trust the content over a wrong extension
    # Before the extension: a PDF renamed .txt must be called a PDF, not undecodable text.
    detected = binary_kind(data)
    if detected:
        raise unsupported_format(extension, location, detected=detected)
    if extension in FORMAT_BY_EXTENSION and FORMAT_BY_EXTENSION[extension] != "docx":
        return FORMAT_BY_EXTENSION[extension]
    if extension and extension not in FORMAT_BY_EXTENSION:
        raise unsupported_format(extension, location)
    if extension == "docx":
        raise InputError(
            "This Word file is damaged or is not a .docx file; save it again as .docx.",
            code="transcript_invalid_docx",
            location=location,
        )
    return sniff_text_format(data)


def binary_kind(data: bytes) -> str | None:
    """What a binary file is ("pdf", "doc", "rtf", "image", "recording"), or None for text."""
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            return kind
    # These carry their signature a few bytes in: WAV/AVI and MP4/M4A/MOV.
    if data.startswith(b"RIFF") and data[8:12] in (b"WAVE", b"AVI "):
        return "recording"
    if data[4:8] == b"ftyp":
        return "recording"
    return None


def unsupported_format(
    extension: str, location: Location, *, detected: str | None = None
) -> InputError:
    params = {
        "extension": extension,
        "detected": detected or "",  # what the content is, when it is recognised
        "supported": ", ".join(SUPPORTED_EXTENSIONS),
    }
    if detected:
        what, advice = DETECTED_KINDS[detected]
        message = f"This file is {what}, which is not supported. {advice}"
    else:
        message = (
            f"This file type ({extension or 'unknown'}) is not supported. Export the transcript "
            "as WebVTT (.vtt), SubRip (.srt), Word (.docx), plain text (.txt) or CSV (.csv)."
        )
    return InputError(
        message, code="transcript_unsupported_format", location=location, params=params
    )


def sniff_text_format(data: bytes) -> str:
    head = data[:4096].decode("utf-8", errors="ignore").replace("\x00", "").lstrip("\ufeff \r\n\t")
    if head.startswith("WEBVTT"):
        return "vtt"
    if re.search(r"\d\d:\d\d:\d\d,\d{1,3}\s*-->", head):
        return "srt"
    return "text"


# ---------------------------------------------------------------------------
# Timestamps and speaker prefixes
# ---------------------------------------------------------------------------

TIMESTAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
CUE_TIMING = re.compile(rf"^\s*({TIMESTAMP})\s*-->\s*({TIMESTAMP})")
VOICE_TAG = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
MARKUP_TAG = re.compile(r"</?[^>]{0,80}>")
# "Name: text" where the name may hold colons not followed by a space
# ("Dr. Smith (00:01:02): text", "Client:A: text"). French puts a space, often
# a no-break one, before the colon ("Psy : text"; \s matches it); Chinese and
# Japanese keyboards type a full-width colon, usually without a space after.
SPEAKER_NAME = r"(?P<name>(?:[^:\uff1a\n]|:(?=\S)){1,80}?)"
SPEAKER_PREFIX = re.compile(rf"^\s*{SPEAKER_NAME}\s*(?::\s+|\uff1a\s*)(?P<text>.*)$")
SPEAKER_PREFIX_NO_TEXT = re.compile(rf"^\s*{SPEAKER_NAME}\s*[:\uff1a]\s*$")
EMBEDDED_TIMESTAMP = re.compile(rf"[\[(]?\s*{TIMESTAMP}\s*[\])]?")
LEADING_TIMESTAMP = re.compile(rf"^\s*[\[(]?\s*(?P<time>{TIMESTAMP})\s*[\])]?\s*[-–—|]?\s*")
TIMESTAMP_LINE = re.compile(rf"^\s*[\[(]?\s*(?P<time>{TIMESTAMP})\s*[\])]?\s*$")
# "Jane Doe   0:03" or "Speaker 1  00:01:02" — a header line, the text follows.
NAME_THEN_TIME = re.compile(
    rf"^\s*(?P<name>[^\d:\s][^:]{{0,58}}?)\s+[\[(]?(?P<time>{TIMESTAMP})[\])]?\s*$"
)


def parse_seconds(timestamp: str) -> float:
    """``01:02:03.5``, ``02:03,5`` or ``2:03`` as seconds."""
    parts = timestamp.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


NAME_DECORATION = " \t-–—|*_>#"
BRACKET_PAIRS = {"(": ")", "[": "]"}
OPENING_BRACKET = {closing: opening for opening, closing in BRACKET_PAIRS.items()}
EMPTY_BRACKET_PAIR = re.compile(r"\(\s*\)|\[\s*\]")  # the innermost of any empty pairs


def clean_speaker_name(name: str) -> str:
    """Drop timestamps, markup and decoration from a speaker name; normalise its spaces.

    Brackets that belong to the name stay ("Élodie R. (patiente)", "Therapist
    [Dr Roy]"); only a stray one at an end, or a pair around the whole name
    ("[Therapist]"), is decoration. Every step is linear: a voice tag may hold
    a name of any length.
    """
    name = EMBEDDED_TIMESTAMP.sub(" ", MARKUP_TAG.sub(" ", name))
    name = " ".join(drop_empty_brackets(name).split())
    return strip_name_decoration(name)


def drop_empty_brackets(name: str) -> str:
    """Remove bracket pairs that hold only spaces, as a removed "(00:01:02 )" may leave."""
    if not EMPTY_BRACKET_PAIR.search(name):
        return name  # nearly always: skip the walk through the name
    dropped: set[int] = set()
    open_brackets: list[tuple[int, bool]] = []  # (index, holds something)
    for index, char in enumerate(name):
        if char in BRACKET_PAIRS:
            open_brackets.append((index, False))
        elif open_brackets and OPENING_BRACKET.get(char) == name[open_brackets[-1][0]]:
            opening, holds_something = open_brackets.pop()
            if not holds_something:
                dropped.update((opening, index))
            elif open_brackets:
                open_brackets[-1] = (open_brackets[-1][0], True)
        elif not char.isspace() and open_brackets:
            open_brackets[-1] = (open_brackets[-1][0], True)
    return "".join(" " if index in dropped else char for index, char in enumerate(name))


def strip_name_decoration(name: str) -> str:
    """Strip decoration, stray end brackets and pairs around the whole name, layer by layer."""
    partners = bracket_partners(name) if any(b in name for b in "()[]") else {}
    start, end = 0, len(name)  # what is left: name[start:end]
    while start < end:
        first, last = name[start], name[end - 1]
        if first in NAME_DECORATION or (first in BRACKET_PAIRS and partners.get(start, end) >= end):
            start += 1  # "**Anna", "(Client"
        elif last in NAME_DECORATION or (
            last in OPENING_BRACKET and partners.get(end - 1, -1) < start
        ):
            end -= 1  # "Client)"
        elif first in BRACKET_PAIRS and partners.get(start) == end - 1:
            start, end = start + 1, end - 1  # "[Therapist]"
        else:
            break
    return name[start:end]


def bracket_partners(text: str) -> dict[int, int]:
    """Each bracket's partner (both ways); unbalanced brackets have none. Kinds pair apart."""
    partners: dict[int, int] = {}
    for opening, closing in BRACKET_PAIRS.items():
        open_indices: list[int] = []
        for index, char in enumerate(text):
            if char == opening:
                open_indices.append(index)
            elif char == closing and open_indices:
                partner = open_indices.pop()
                partners[partner], partners[index] = index, partner
    return partners


def looks_like_speaker_name(name: str) -> bool:
    """A plausible speaker name: short, a few words, not a sentence or a number."""
    words = name.split()
    if not words or len(name) > MAX_SPEAKER_NAME_LENGTH or len(words) > MAX_SPEAKER_NAME_WORDS:
        return False
    if name.endswith((".", "?", "!", ",")) and not re.search(r"\b(?:Dr|Mr|Mrs|Ms|Pr)\.$", name):
        return False
    return any(char.isalpha() for char in name)


def split_speaker(line: str) -> tuple[str | None, str]:
    """``"Jane: hello"`` → ``("Jane", "hello")``; a line without a speaker → ``(None, line)``."""
    voice = VOICE_TAG.search(line)
    if voice:
        return clean_speaker_name(voice.group(1)), strip_markup(VOICE_TAG.sub("", line))
    match = SPEAKER_PREFIX.match(line) or SPEAKER_PREFIX_NO_TEXT.match(line)
    if match:
        name = clean_speaker_name(match.group("name"))
        if looks_like_speaker_name(name):
            return name, match.groupdict().get("text") or ""
    return None, line


def strip_markup(text: str) -> str:
    return " ".join(MARKUP_TAG.sub("", text).split())


# ---------------------------------------------------------------------------
# Cue formats: WebVTT and SRT
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


def split_blocks(text: str) -> list[list[str]]:
    """Blocks of non-blank lines, whatever the line endings."""
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def read_cues(text: str) -> list[Cue]:
    """Cues of a WebVTT or SRT file; headers, notes, styles and numbering are skipped."""
    cues = []
    for block in split_blocks(text):
        timing_index = next((i for i, line in enumerate(block) if CUE_TIMING.match(line)), None)
        if timing_index is None:
            continue  # WEBVTT header, NOTE, STYLE or REGION block
        match = CUE_TIMING.match(block[timing_index])
        assert match is not None  # found just above
        start, end = parse_seconds(match.group(1)), parse_seconds(match.group(2))
        cues.append(Cue(start, max(start, end), tuple(block[timing_index + 1 :])))
    return cues


def parse_cues(text: str, location: Location) -> list[Utterance]:
    """Turn cues into utterances; a cue without a named speaker continues the previous one."""
    utterances: list[Utterance] = []
    speaker: str | None = None
    for cue in read_cues(text):
        cue_speaker, cue_text = speaker_of_cue(cue.lines)
        speaker = cue_speaker or speaker
        if cue_text:
            utterances.append(Utterance(speaker or "", cue_text, cue.start, cue.end))
    return require_speakers(utterances, location)


def speaker_of_cue(lines: Sequence[str]) -> tuple[str | None, str]:
    """The speaker and text of one cue.

    Voice tags (``<v Jane>``, Teams) and ``Name: text`` prefixes (Zoom) name
    the speaker. A cue of several lines whose first line is a bare short name
    (older Teams exports) names it too.
    """
    speaker, texts = None, []
    for line in lines:
        line_speaker, line_text = split_speaker(line)
        speaker = speaker or line_speaker
        texts.append(strip_markup(line_text))
    if speaker is None and len(lines) >= 2 and is_bare_name_line(lines[0]):
        return clean_speaker_name(lines[0]), " ".join(texts[1:]).strip()
    return speaker, " ".join(t for t in texts if t).strip()


def is_bare_name_line(line: str) -> bool:
    name = clean_speaker_name(line)
    return looks_like_speaker_name(name) and len(name.split()) <= 4 and name[-1:] not in ".?!…"


def require_speakers(utterances: list[Utterance], location: Location) -> list[Utterance]:
    named = [u for u in utterances if u.speaker]
    if utterances and not named:
        raise InputError(
            "No speaker names were found. Export the transcript with speaker names "
            "(for example 'Name: text' lines) so that the therapist can be identified.",
            code="transcript_no_speakers",
            location=location,
        )
    # Text before the first named speaker is kept under an explicit label.
    return [u if u.speaker else replace(u, speaker=UNKNOWN_SPEAKER) for u in utterances]


# ---------------------------------------------------------------------------
# Plain text (also the text of DOCX files)
# ---------------------------------------------------------------------------


@dataclass
class _Line:
    speaker: str | None
    text: str
    time: float | None
    header: bool = False  # a "Name  0:03" or "Name:" line: the text comes after
    timed_header: bool = False  # "Name  0:03": a name for sure, even if it speaks once
    written: str = ""  # the line as written, kept if its "speaker" turns out to be a word


def parse_plain_text(text: str, location: Location) -> list[Utterance]:
    """``Name: text`` lines, ``Name  0:03`` headers, timestamp lines and cue-like blocks.

    A prefix before a colon counts as a speaker only if it recurs (or the
    transcript is very short): "Well: I think…" must not become a speaker
    (see :func:`recurring_speakers`). Lines without a speaker continue the
    current turn.
    """
    if sum(1 for line in text.splitlines() if CUE_TIMING.match(line)) >= 2:
        return parse_cues(text, location)
    lines = [
        classify_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    known = recurring_speakers(lines)
    return require_speakers(assemble_turns(lines, known), location)


def classify_line(raw: str) -> _Line:
    line = raw.strip().lstrip("\ufeff")
    if not line:
        return _Line(None, "", None)
    timestamp_only = TIMESTAMP_LINE.match(line)
    if timestamp_only:
        return _Line(None, "", parse_seconds(timestamp_only.group("time")))
    time = None
    leading = LEADING_TIMESTAMP.match(line)
    if leading and leading.end() < len(line):
        time, line = parse_seconds(leading.group("time")), line[leading.end() :]
    header = NAME_THEN_TIME.match(line)
    if header and looks_like_speaker_name(clean_speaker_name(header.group("name"))):
        name = clean_speaker_name(header.group("name"))
        time = parse_seconds(header.group("time"))
        return _Line(name, "", time, header=True, timed_header=True, written=line)
    speaker, rest = split_speaker(line)
    if speaker is not None:
        time = time if time is not None else time_in_prefix(line)
    return _Line(
        speaker, rest.strip(), time, header=speaker is not None and not rest.strip(), written=line
    )


def time_in_prefix(line: str) -> float | None:
    prefix = re.split(r":\s|\uff1a", line, maxsplit=1)[0]
    match = re.search(TIMESTAMP, prefix)
    return parse_seconds(match.group(0)) if match else None


def recurring_speakers(lines: Sequence[_Line]) -> set[str]:
    """The prefixes that name speakers.

    Once two names recur, a prefix seen on a single line is a word of the
    current speaker ("Bref : on avance.", "Well: I think so"), not a third
    person. Without two recurring names, a short transcript keeps every name
    ("A: Hi?" / "B: Hello."). A "Name  0:03" header always names a speaker.
    """
    counts = Counter(line.speaker for line in lines if line.speaker)
    recurring = {name for name, count in counts.items() if count >= 2}
    certain = {line.speaker for line in lines if line.speaker and line.timed_header}
    if len(recurring) < 2 and (len(counts) <= 3 or sum(counts.values()) <= 3):
        return set(counts)
    return recurring | certain


def assemble_turns(lines: Iterable[_Line], known: set[str]) -> list[Utterance]:
    utterances: list[Utterance] = []
    speaker: str | None = None
    pending_time: float | None = None
    for line in lines:
        if line.speaker not in known and line.speaker is not None:
            line = _Line(None, line.written, line.time)
        if line.time is not None and (line.speaker or not line.text):
            pending_time = line.time
        if line.speaker is not None:
            speaker = line.speaker
            utterances.append(Utterance(speaker, line.text, pending_time))
            pending_time = None
        elif line.text:
            append_text(utterances, speaker, line.text, pending_time)
            pending_time = None
    return [u for u in utterances if u.text]


def append_text(
    utterances: list[Utterance], speaker: str | None, text: str, time: float | None
) -> None:
    if utterances and utterances[-1].speaker == (speaker or ""):
        last = utterances[-1]
        joined = f"{last.text} {text}".strip()
        utterances[-1] = replace(
            last, text=joined, start=last.start if last.start is not None else time
        )
    else:
        utterances.append(Utterance(speaker or "", text, time))


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


def docx_text(data: bytes, location: Location) -> str:
    """The text of a Word document: its paragraphs, then its tables as ``Name: text`` rows."""
    import docx  # python-docx; imported here because only DOCX files need it

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputError(
            "This Word file is damaged or is not a .docx file; save it again as .docx.",
            code="transcript_invalid_docx",
            location=location,
        ) from error
    except Exception as error:  # python-docx raises its own errors for odd packages
        raise InputError(
            "This Word file could not be read; save it again as .docx.",
            code="transcript_invalid_docx",
            location=location,
        ) from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if len(cells) >= 2:
                lines.append(f"{cells[0]}: {' '.join(dict.fromkeys(cells[1:]))}")
            elif cells:
                lines.append(cells[0])
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------

CSV_COLUMNS = {
    "speaker": ("speaker", "interlocutor", "role", "name", "who", "locuteur", "intervenant"),
    "text": ("text", "utterance_text", "content", "transcript", "message", "texte"),
    "conversation": ("conversation", "transcript_id", "session", "conversation_id"),
    "order": ("utterance", "utterance_id", "order", "index", "turn"),
    "start": ("start", "start_time", "timestamp", "time", "begin", "début"),
    "end": ("end", "end_time", "fin"),
}


def parse_csv(text: str, location: Location) -> list[Utterance]:
    """A CSV (or TSV/semicolon) file with a speaker column and a text column."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect=sniff_dialect(text))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise InputError(
            f"The CSV file could not be read ({error}).",
            code="transcript_invalid_csv",
            location=location,
        ) from error
    if not rows:
        raise InputError("The transcript is empty.", code="transcript_empty", location=location)
    columns = csv_columns(rows[0], location)
    return [
        csv_utterance(row, columns, location, number)
        for number, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]


def sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def csv_columns(header: Sequence[str], location: Location) -> dict[str, int]:
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    found = {}
    for role, candidates in CSV_COLUMNS.items():
        index = next((names.index(c) for c in candidates if c in names), None)
        if index is not None:
            found[role] = index
    for required in ("speaker", "text"):
        if required not in found:
            raise missing_column(required, names, location)
    return found


def missing_column(required: str, found: Sequence[str], location: Location) -> InputError:
    accepted = ", ".join(CSV_COLUMNS[required])
    return InputError(
        f"The CSV file needs a {required} column, named one of: {accepted} "
        f"(found: {', '.join(found) or 'no column names'}).",
        code="transcript_csv_missing_column",
        location=location,
        # "column" is the older name of "missing", kept for callers that read it.
        params={"missing": required, "accepted": accepted, "column": required, "found": found},
    )


def csv_utterance(
    row: Sequence[str], columns: dict[str, int], location: Location, number: int
) -> Utterance:
    def cell(role: str) -> str:
        index = columns.get(role)
        return row[index].strip() if index is not None and index < len(row) else ""

    return Utterance(
        speaker=cell("speaker") or UNKNOWN_SPEAKER,
        text=" ".join(cell("text").split()),
        start=optional_seconds(cell("start"), replace(location, row=number, field="start")),
        end=optional_seconds(cell("end"), replace(location, row=number, field="end")),
        conversation=cell("conversation"),
        label=cell("order"),
    )


def optional_seconds(value: str, location: Location) -> float | None:
    if not value:
        return None
    try:
        return parse_seconds(value) if ":" in value else float(value.replace(",", "."))
    except ValueError as error:
        raise InputError(
            f"'{value}' is not a time; write seconds or hh:mm:ss.",
            code="transcript_invalid_time",
            location=location,
            params={"value": value},
        ) from error


# ---------------------------------------------------------------------------
# Turns and speakers
# ---------------------------------------------------------------------------


def merge_consecutive_turns(utterances: Sequence[Utterance]) -> list[Utterance]:
    """Join consecutive pieces by the same speaker (subtitle cues split long turns)."""
    merged: list[Utterance] = []
    for utterance in utterances:
        previous = merged[-1] if merged else None
        if (
            previous
            and previous.speaker == utterance.speaker
            and previous.conversation == utterance.conversation
        ):
            merged[-1] = replace(
                previous,
                text=f"{previous.text} {utterance.text}".strip(),
                start=previous.start if previous.start is not None else utterance.start,
                end=utterance.end if utterance.end is not None else previous.end,
            )
        else:
            merged.append(utterance)
    return merged


def prefer_longest_known_speaker(utterances: Sequence[Utterance]) -> list[Utterance]:
    """Re-split ``Jean: Dupont: text`` when ``Jean: Dupont`` is a speaker seen elsewhere.

    A name holding a colon is only recognisable once it has been seen whole,
    in a voice tag or a CSV column, for example.
    """
    names = sorted({u.speaker for u in utterances}, key=len, reverse=True)
    resplit = []
    for utterance in utterances:
        spoken = f"{utterance.speaker}: {utterance.text}"
        longer = next(
            (n for n in names if len(n) > len(utterance.speaker) and spoken.startswith(f"{n}:")),
            None,
        )
        if longer:
            utterance = replace(utterance, speaker=longer, text=spoken[len(longer) + 1 :].strip())
        resplit.append(utterance)
    return resplit


PARSERS = {
    "vtt": parse_cues,
    "srt": parse_cues,
    "text": parse_plain_text,
    "docx": parse_plain_text,
    "csv": parse_csv,
}
