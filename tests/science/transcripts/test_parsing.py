"""Transcript parsing: every format, real-world oddities, and no crash on any input."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.science.errors import InputError
from alliance.science.transcripts.checks import lacks_punctuation, require_two_speakers
from alliance.science.transcripts.parsing import (
    BINARY_SIGNATURES,
    MAX_TRANSCRIPT_BYTES,
    Transcript,
    clean_speaker_name,
    parse_transcript,
)
from alliance.science.transcripts.speakers import (
    roles_if_labelled,
    suggest_therapist,
    turns_from_transcript,
)


def pairs(transcript: Transcript) -> list[tuple[str, str]]:
    return [(u.speaker, u.text) for u in transcript.utterances]


# --- WebVTT -----------------------------------------------------------------

TEAMS_VTT = """WEBVTT

3b1f0a2e-1/12-0
00:00:01.020 --> 00:00:04.500
<v Dr. Claire Martin>Bonjour, comment allez-vous aujourd'hui ?</v>

3b1f0a2e-1/13-0
00:00:04.800 --> 00:00:06.000
<v Jean Dupont>Pas très bien.</v>

3b1f0a2e-1/14-0
00:00:06.000 --> 00:00:08.250
<v Jean Dupont>Je dors mal.</v>
"""


def test_teams_vtt_voice_tags_and_merged_turns() -> None:
    transcript = parse_transcript(TEAMS_VTT.encode(), "meeting.vtt")
    assert pairs(transcript) == [
        ("Dr. Claire Martin", "Bonjour, comment allez-vous aujourd'hui ?"),
        ("Jean Dupont", "Pas très bien. Je dors mal."),
    ]
    assert transcript.utterances[1].start == pytest.approx(4.8)
    assert transcript.utterances[1].end == pytest.approx(8.25)
    assert transcript.source_format == "vtt"
    assert transcript.has_timestamps


def test_zoom_vtt_with_name_prefixes_bom_and_windows_line_endings() -> None:
    text = (
        "WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:03.000\r\nAlice Therapist: How are you?\r\n\r\n"
        "2\r\n00:00:03.500 --> 00:00:05.000\r\nBob: Fine, thanks.\r\n"
    )
    transcript = parse_transcript(b"\xef\xbb\xbf" + text.encode(), "zoom.vtt")
    assert pairs(transcript) == [("Alice Therapist", "How are you?"), ("Bob", "Fine, thanks.")]


def test_vtt_blank_cues_notes_and_styles_are_skipped() -> None:
    text = (
        "WEBVTT\n\nNOTE exported by a tool\n\nSTYLE\n::cue { color: red }\n\n"
        "00:00:01.000 --> 00:00:02.000\n\n"  # a cue with no text
        "00:00:02.000 --> 00:00:03.000\nA: Hello?\n\n"
        "00:00:03.000 --> 00:00:04.000\n   \n\n"
        "00:00:04.000 --> 00:00:05.000\nB: Hi.\n"
    )
    assert pairs(parse_transcript(text.encode(), "x.vtt")) == [("A", "Hello?"), ("B", "Hi.")]


def test_overlapping_cues_keep_their_times() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nA: I was saying that\n\n"
        "00:00:04.000 --> 00:00:06.000\nB: Sorry, go on.\n"
    )
    first, second = parse_transcript(text.encode(), "x.vtt").utterances
    assert first.end == 5.0
    assert second.start == 4.0


def test_speaker_names_with_colons() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dr: Smith>Hello.</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\nClient: Hi.\n\n"
        "00:00:03.000 --> 00:00:04.000\nDr: Smith: How are you?\n"
    )
    transcript = parse_transcript(text.encode(), "x.vtt")
    assert pairs(transcript) == [
        ("Dr: Smith", "Hello."),
        ("Client", "Hi."),
        ("Dr: Smith", "How are you?"),
    ]


def test_vtt_without_any_speaker_is_refused() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there.\n"
    with pytest.raises(InputError) as error:
        parse_transcript(text.encode(), "x.vtt")
    assert error.value.code == "transcript_no_speakers"


# --- SRT --------------------------------------------------------------------


def test_srt_in_latin_1() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,500\nThérapeute : Bonjour, ça va ?\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nPatiente : Oui, ça va.\n"
    )
    transcript = parse_transcript(text.encode("latin-1"), "séance.srt")
    assert pairs(transcript) == [("Thérapeute", "Bonjour, ça va ?"), ("Patiente", "Oui, ça va.")]
    assert transcript.utterances[0].end == 2.5


def test_srt_sniffed_without_extension() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nA: Hi.\n\n2\n00:00:02,000 --> 00:00:03,000\nB: Yes.\n"
    assert parse_transcript(text.encode(), "upload").source_format == "srt"


# --- Plain text ---------------------------------------------------------------


def test_plain_text_utf16_with_continuation_lines_and_timestamps() -> None:
    text = (
        "Therapist: So what brings you here?\r\n"
        "Client: Well: my sleep.\r\nIt has been bad.\r\n"
        "[00:01:02] Therapist: You sleep badly?\r\n"
        "Client (00:01:05): Yes.\r\n"
    )
    transcript = parse_transcript(text.encode("utf-16"), "notes.txt")
    assert pairs(transcript) == [
        ("Therapist", "So what brings you here?"),
        ("Client", "Well: my sleep. It has been bad."),
        ("Therapist", "You sleep badly?"),
        ("Client", "Yes."),
    ]
    assert transcript.utterances[2].start == 62.0
    assert transcript.utterances[3].start == 65.0


def test_plain_text_utf16_big_endian_without_bom() -> None:
    text = "A: Hello.\nB: Hi.\n"
    assert pairs(parse_transcript(text.encode("utf-16-be"), "x.txt")) == [
        ("A", "Hello."),
        ("B", "Hi."),
    ]


def test_otter_style_headers_with_times() -> None:
    text = "Jane Doe  0:03\nHello there.\nHow are you?\n\nBob  0:10\nGood.\n"
    transcript = parse_transcript(text.encode(), "otter.txt")
    assert pairs(transcript) == [("Jane Doe", "Hello there. How are you?"), ("Bob", "Good.")]
    assert [u.start for u in transcript.utterances] == [3.0, 10.0]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("Élodie R. (patiente): Je ne sais pas.", "Élodie R. (patiente)"),
        ("Therapist [Dr Roy]: How are you?", "Therapist [Dr Roy]"),
        ("[Therapist]: How are you?", "Therapist"),
        ("(Client: Fine.", "Client"),
        ("Client): Fine.", "Client"),
        ("**Client (00:01:05)**: Fine.", "Client"),
        ("Speaker 1 (Thérapeute) [00:01:02]: Bonjour.", "Speaker 1 (Thérapeute)"),
        (">> Anna: Hello.", "Anna"),
    ],
)
def test_balanced_brackets_belong_to_the_name(line: str, speaker: str) -> None:
    text = f"{line}\nOther: Yes.\n"
    assert parse_transcript(text.encode(), "x.txt").speakers == (speaker, "Other")


@pytest.mark.parametrize(
    "line",
    [
        "Psy\uff1a bonjour, comment allez-vous ?",  # full-width colon (Chinese, Japanese input)
        "Psy\uff1abonjour, comment allez-vous ?",
        "Psy : bonjour, comment allez-vous ?",  # French typography
        "Psy\u00a0: bonjour, comment allez-vous ?",  # no-break space
        "Psy\u202f:\u00a0bonjour, comment allez-vous ?",  # narrow no-break space
    ],
)
def test_colons_of_every_typography(line: str) -> None:
    text = f"{line}\nPatiente\uff1a Ça va.\n"
    assert pairs(parse_transcript(text.encode(), "x.txt")) == [
        ("Psy", "bonjour, comment allez-vous ?"),
        ("Patiente", "Ça va."),
    ]


@pytest.mark.parametrize(
    "one_off",
    ["Bref : on avance.", "Well: I think so", "Bon\uff1a d'accord"],
)
def test_a_prefix_seen_once_is_not_a_third_speaker(one_off: str) -> None:
    text = (
        "Psy : Qu'est-ce qui vous amène ?\nPatiente : Je dors mal.\n"
        f"Psy : Depuis quand ?\nPatiente : Depuis l'été.\n{one_off}\nPsy : Je vois.\n"
    )
    transcript = parse_transcript(text.encode(), "x.txt")
    assert transcript.speakers == ("Psy", "Patiente")
    assert transcript.utterances[3].text == f"Depuis l'été. {one_off}"  # as written


def test_a_one_off_speaker_with_a_timed_header_is_kept() -> None:
    # "Name  0:03" headers are speaker names for sure: a visitor speaking once stays a speaker.
    text = "Jane  0:03\nHello.\nBob  0:10\nHi.\nJane  0:15\nSo?\nBob  0:20\nOK.\nAnn  0:25\nBye.\n"
    assert parse_transcript(text.encode(), "otter.txt").speakers == ("Jane", "Bob", "Ann")


@pytest.mark.parametrize(
    "text",
    [
        "A: Hi?\nB: Hello.\n",
        "A: Hi?\nB: Hello.\nC: Hey.\n",
        "Therapist: Hi?\nClient: Hello.\nTherapist: How are you?\n",
    ],
)
def test_short_transcripts_keep_every_name(text: str) -> None:
    transcript = parse_transcript(text.encode(), "x.txt")
    assert len(transcript.speakers) == len({line.split(":")[0] for line in text.splitlines()})


def test_a_sentence_with_a_colon_is_not_a_speaker() -> None:
    text = "A: Hi.\nB: Hello.\nA: How are you?\nB: Honestly: not great.\nA: I see.\n"
    transcript = parse_transcript(text.encode(), "x.txt")
    assert set(transcript.speakers) == {"A", "B"}
    assert transcript.utterances[3].text == "Honestly: not great."


# --- DOCX -------------------------------------------------------------------


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_teams_docx_transcript() -> None:
    data = docx_bytes(
        ["Claire Martin   0:03", "Bonjour.", "Jean Dupont   0:07", "Bonjour, docteur."]
    )
    transcript = parse_transcript(data, "Transcript.docx")
    assert pairs(transcript) == [
        ("Claire Martin", "Bonjour."),
        ("Jean Dupont", "Bonjour, docteur."),
    ]
    assert transcript.source_format == "docx"


def test_docx_table_transcript() -> None:
    data = docx_bytes([], table=[["Therapist", "How are you?"], ["Client", "Tired."]])
    assert pairs(parse_transcript(data, "t.docx")) == [
        ("Therapist", "How are you?"),
        ("Client", "Tired."),
    ]


def test_broken_docx_is_refused() -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(b"PK\x03\x04not really a zip", "t.docx")
    assert error.value.code == "transcript_invalid_docx"


# --- CSV --------------------------------------------------------------------


def test_coding_csv_with_roles() -> None:
    text = (
        'conversation,utterance,speaker,text\n1,0,therapist,"Hello, how are you?"\n'
        "1,1,client,Fine.\n"
    )
    transcript = parse_transcript(text.encode(), "session.csv", merge_turns=False)
    assert pairs(transcript) == [("therapist", "Hello, how are you?"), ("client", "Fine.")]
    assert transcript.utterances[1].label == "1"
    assert roles_if_labelled(transcript)


def test_semicolon_csv_from_french_excel() -> None:
    text = "locuteur;texte;début\nThérapeute;Bonjour;00:00:01\nClient;Bonjour;2,5\n"
    transcript = parse_transcript(text.encode("cp1252"), "export.csv")
    assert [u.start for u in transcript.utterances] == [1.0, 2.5]


def test_csv_without_text_column_names_the_column() -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(b"speaker,words\nA,hi\n", "x.csv")
    assert error.value.code == "transcript_csv_missing_column"
    assert error.value.params["column"] == "text"
    assert error.value.params["missing"] == "text"
    assert "utterance_text" in error.value.params["accepted"]
    assert "texte" in error.value.message
    assert "words" in error.value.message  # what was found


def test_csv_without_speaker_column_lists_the_accepted_names() -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(b"qui;texte\nA;salut\n", "x.csv")
    assert error.value.params["missing"] == "speaker"
    accepted = error.value.params["accepted"].split(", ")
    assert {"speaker", "interlocutor", "locuteur"} <= set(accepted)
    assert "locuteur" in error.value.message


# --- Refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "x.txt", "transcript_empty"),
        (b"   \n\n", "x.vtt", "transcript_empty"),
        (b"%PDF-1.7 ...", "x.pdf", "transcript_unsupported_format"),
        (b"%PDF-1.7 ...", "upload", "transcript_unsupported_format"),
        (b"%PDF-1.7 ...", "x.txt", "transcript_unsupported_format"),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07" * 20, "x.txt", "transcript_undecodable"),
        (b"WEBVTT\n\n", "x.vtt", "transcript_empty"),
    ],
)
def test_refusals_have_stable_codes(data: bytes, filename: str, code: str) -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(data, filename)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("data", "detected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "doc"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}Therapist: Hello.}", "rtf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"ID3\x04\x00\x00\x00\x00", "recording"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "recording"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00", "recording"),
        (b"OggS\x00\x02", "recording"),
    ],
)
@pytest.mark.parametrize("filename", ["session.txt", "session.csv", "session.vtt", "session"])
def test_a_renamed_binary_file_is_named_for_what_it_is(
    data: bytes, detected: str, filename: str
) -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(data, filename)
    assert error.value.code == "transcript_unsupported_format"
    assert error.value.params["detected"] == detected
    assert error.value.params["extension"] == filename.partition(".")[2]
    assert "UTF-8" not in error.value.message


def test_a_pdf_named_txt_says_it_is_a_pdf() -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(b"%PDF-1.4 ...", "session.txt")
    assert error.value.params == {
        "extension": "txt",
        "detected": "pdf",
        "supported": "csv, docx, md, srt, text, tsv, txt, vtt, webvtt",
    }
    assert "PDF" in error.value.message


def test_text_that_merely_starts_like_a_signature_is_read() -> None:
    text = "RIFF: a speaker name.\nB: Hello.\nRIFF: Bye.\n"
    assert parse_transcript(text.encode(), "x.txt").speakers == ("RIFF", "B")


def test_size_limit() -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(b"A: hi\n" * (MAX_TRANSCRIPT_BYTES // 6 + 1), "big.txt")
    assert error.value.code == "transcript_too_large"
    assert error.value.params["limit"] == MAX_TRANSCRIPT_BYTES
    assert "10 MB" in error.value.message
    assert "kB" not in error.value.message


# --- Speakers -----------------------------------------------------------------


def test_suggests_the_speaker_who_asks_questions() -> None:
    text = "Sam: I feel stuck.\nAlex: What feels stuck?\nSam: Work.\nAlex: How so?\n"
    assert suggest_therapist(parse_transcript(text.encode(), "x.txt")) == "Alex"


def test_a_role_word_in_the_name_wins() -> None:
    text = "Patient: What should I do?\nThérapeute Martin: Vous hésitez.\nPatient: Why? How?\n"
    assert suggest_therapist(parse_transcript(text.encode(), "x.txt")) == "Thérapeute Martin"


def test_turns_from_transcript_and_unknown_therapist() -> None:
    transcript = parse_transcript(b"A: Hi?\nB: Hello.\n", "x.txt")
    assert [t.role for t in turns_from_transcript(transcript, "A")] == ["therapist", "client"]
    with pytest.raises(InputError) as error:
        turns_from_transcript(transcript, "Z")
    assert error.value.code == "transcript_unknown_speaker"


# --- Properties -------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=2000),
    filename=st.sampled_from(["x.vtt", "x.srt", "x.txt", "x.csv", "x", "x.docx"]),
)
def test_no_bytes_crash_the_parser(data: bytes, filename: str) -> None:
    with contextlib.suppress(InputError):
        parse_transcript(data, filename)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("ab: \n\r\t?.,-><v0123456789[]()\ufeffé")) | st.characters(),
        max_size=800,
    ),
    filename=st.sampled_from(["x.vtt", "x.srt", "x.txt", "x.csv", "upload"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
)
def test_no_text_crashes_the_parser(text: str, filename: str, encoding: str) -> None:
    try:
        transcript = parse_transcript(text.encode(encoding, errors="replace"), filename)
    except InputError:
        return
    assert transcript.utterances
    assert all(u.text.strip() for u in transcript.utterances)


# Speaker lines as people write them: brackets, decorations, timestamps, every colon.
NAME_PIECES = st.sampled_from(
    [
        "Anna",
        "Dr",
        "R.",
        "Élodie",
        "(patiente)",
        "[Dr Roy]",
        "(",
        ")",
        "[",
        "]",
        "**",
        ">>",
        "-",
        "00:01:02",
        "[00:01]",
        "(1:02)",
        "Psy",
        "Well",
        "\u00a0",
        "<v",
        ">",
    ]
)
COLONS = st.sampled_from(
    [": ", " : ", "\u00a0: ", "\u202f:\u00a0", "\uff1a", "\uff1a ", ":", "  0:03\n"]
)
SPEAKER_LINE = st.tuples(
    st.lists(NAME_PIECES, min_size=1, max_size=4).map(" ".join),
    COLONS,
    st.text(alphabet=st.sampled_from(list("ab ?.…!:\uff1a()[]")), max_size=20),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(SPEAKER_LINE, max_size=30),
    filename=st.sampled_from(["x.txt", "x.vtt", "x.docx.txt", "upload"]),
)
def test_no_speaker_line_crashes_the_parser_or_the_checks(lines: list[str], filename: str) -> None:
    try:
        transcript = parse_transcript("\n".join(lines).encode(), filename)
    except InputError:
        return
    assert all(u.speaker.strip() and u.text.strip() for u in transcript.utterances)
    assert all(clean_speaker_name(name) == name for name in transcript.speakers)
    with contextlib.suppress(InputError):
        require_two_speakers(transcript)
    assert lacks_punctuation([u.text for u in transcript.utterances]) in (True, False)


@settings(max_examples=200, deadline=None)
@given(
    signature=st.sampled_from(
        [signature for signature, _ in BINARY_SIGNATURES] + [b"RIFF\0\0\0\0WAVE", b"\0\0\0\0ftyp"]
    ),
    rest=st.binary(max_size=200),
    filename=st.sampled_from(["x.txt", "x.csv", "x.vtt", "x.srt", "x.docx", "x.pdf", "x"]),
)
def test_binary_files_are_refused_whatever_their_name(
    signature: bytes, rest: bytes, filename: str
) -> None:
    with pytest.raises(InputError) as error:
        parse_transcript(signature + rest, filename)
    assert error.value.code == "transcript_unsupported_format"
    assert error.value.params["detected"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ()[]*->#:0123.\u00a0<v>")), max_size=30))
def test_cleaning_a_speaker_name_twice_changes_nothing(name: str) -> None:
    once = clean_speaker_name(name)
    assert clean_speaker_name(once) == once
