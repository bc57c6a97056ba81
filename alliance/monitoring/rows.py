"""The caseload's rows as HTML, built in Python.

A therapist with 300 patients gets 300 rows of a dozen cells each: Django's
template engine spends about 100 ms on that alone, ``format_html`` a tenth of
it. Everything is escaped by ``format_html``; the table around the rows stays
a template (``monitoring/caseload_rows.htmx.html``).
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from alliance.monitoring.reading import CaseloadRow, PillarCell

SPARKLINE = (
    '<svg class="sparkline" width="60" height="18" viewBox="0 0 60 18" role="img" '
    'aria-label="{}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" '
    'points="{}"/></svg>'
)


def _cell(cell: PillarCell) -> SafeString:
    therapist = (
        format_html('<span class="score score--therapist">{}</span>', cell.therapist)
        if cell.therapist
        else ""
    )
    line = format_html(SPARKLINE, cell.label, cell.points) if cell.points else ""
    return format_html(
        '<td class="pillar pillar--{}"><span class="score">{}</span>{}{}</td>',
        cell.pillar,
        cell.patient,
        therapist,
        line,
    )


def _reasons(row: CaseloadRow) -> SafeString:
    items = format_html_join(
        "",
        '<li class="reason{}">{} <span class="next-step">{}</span></li>',
        ((" reason--urgent" if r.urgent else "", r.text, r.step) for r in row.reasons),
    )
    label = gettext("Open repair")
    repairs = format_html_join(
        " ",
        '<a class="badge badge--warning" href="{}">{} · {}</a>',
        ((repair.url, label, repair.status.label) for repair in row.open_repairs),
    )
    return format_html('<ul class="reasons">{}</ul>{}', items, repairs)


def _last_checkin(row: CaseloadRow) -> SafeString:
    if row.last_checkin_at is None:
        return format_html('<span class="muted">{}</span>', gettext("None yet"))
    moment = localtime(row.last_checkin_at)
    return format_html(
        '<time datetime="{}">{}</time>',
        moment.isoformat(),
        date_format(moment, "SHORT_DATE_FORMAT"),
    )


def row_html(row: CaseloadRow) -> SafeString:
    attention = " caseload-row--attention" if row.needs_attention else ""
    return format_html(
        '<tr class="caseload-row{}" data-patient="{}"><th scope="row"><a href="{}">{}</a><br>'
        '<a class="small-link" href="{}">{}</a></th><td>{}</td>{}<td>{}</td></tr>',
        attention,
        row.patient.uuid,
        row.brief_url,
        row.patient.display_name,
        row.timeline_url,
        gettext("Timeline"),
        _reasons(row),
        format_html_join("", "{}", ((_cell(cell),) for cell in row.cells())),
        _last_checkin(row),
    )


def rows_html(rows: list[CaseloadRow]) -> SafeString:
    return format_html_join("\n", "{}", ((row_html(row),) for row in rows))
