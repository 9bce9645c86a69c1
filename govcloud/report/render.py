"""Render a ReportData as one self-contained HTML file, as Markdown, or as language-neutral JSON.

The HTML must open on an air-gapped auditor's laptop exactly as it prints: CSS is inline, charts are
inline SVG drawn here, there is no script, and a Content-Security-Policy forbids the browser any fetch.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from govcloud.report.codes import FINDING_CODES
from govcloud.report.i18n import LANGUAGES, Lang, Translator
from govcloud.report.model import CHECKS, FROM_AUDIT, MinistryCapacity, ReportData, to_json

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("html", "md", "json")
SERVICE_NAMES = {"jupyterhub": "JupyterHub", "superset": "Superset", "trino": "Trino", "spark": "Spark"}
_ENTITY = re.compile(r"&(#?[A-Za-z0-9]+;)")
_MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_\[\]!|~:.]")
"""Characters with a meaning in CommonMark/GFM inline syntax; an escaped ``:`` or ``.`` also keeps GFM from
turning ``https://...`` or ``www....`` into a link. (Cells are mid-line: line-start syntax can't occur.)"""


def markdown_cell(value: object) -> str:
    """Free text made inert in Markdown: one line; no link, image, emphasis, code, HTML tag or entity.

    Agencies write purposes, names and references; rendered raw, ``[log in](https://evil)`` would become a
    link in the auditors' report. Every ASCII punctuation character that opens Markdown inline syntax is
    backslash-escaped (CommonMark: any ASCII punctuation may be), and ``&``, ``<``, ``>`` become entities.
    """
    text = " ".join(str(value).split())
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", text)
    text = _ENTITY.sub(r"&amp;\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


@functools.cache
def _environment(html: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown_cell
    return environment


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float, str]]) -> Markup:
    """A horizontal bar chart as inline SVG: one bar per label, its value written after the bar."""
    label_width, value_width, bar_area = 72, 96, 260
    row_height, bar_height, top = 24, 16, 6
    width = label_width + bar_area + value_width
    height = top * 2 + row_height * max(len(rows), 1)
    largest = max((value for _, value, _ in rows), default=0.0) or 1.0
    parts = [
        f'<svg class="chart chart-{escape(chart_id)}" role="img" aria-labelledby="chart-{escape(chart_id)}-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="chart-{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, (label, value, shown) in enumerate(rows):
        y = top + index * row_height
        bar = max(bar_area * value / largest, 1.0) if value > 0 else 0.0
        parts.append(
            f'<text class="label" x="{label_width - 8}" y="{y + bar_height - 3}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect class="bar" x="{label_width}" y="{y}" width="{bar:.1f}" height="{bar_height}" rx="2"/>'
            f'<text class="value" x="{label_width + bar + 6:.1f}" y="{y + bar_height - 3}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def capacity_charts(capacity: Sequence[MinistryCapacity], t: Translator) -> list[tuple[str, Markup]]:
    """The three allocation charts (CPU, memory, storage by ministry), each with its translated caption."""
    gib, tib = Decimal(2**30), Decimal(2**40)
    series = [
        ("cpu", [(c.ministry, float(c.cpu), t.number(c.cpu)) for c in capacity]),
        ("memory", [(c.ministry, float(c.memory / gib), t.bytes(c.memory)) for c in capacity]),
        ("storage", [(c.ministry, float(c.storage / tib), t.bytes(c.storage)) for c in capacity]),
    ]
    return [(t(f"chart.{name}"), bar_chart(name, t(f"chart.{name}"), rows)) for name, rows in series]


def _context(data: ReportData, lang: Lang) -> dict[str, object]:
    t = Translator(lang)
    return {
        "r": data,
        "t": t,
        "lang": lang,
        "checks": CHECKS,
        "services": SERVICE_NAMES,
        "tenants_passing": sum(1 for x in data.tenants if all(c.status != "fail" for c in x.checks)),
        "finding_codes": list(FINDING_CODES.values()),
        "overridden": [
            (x.name, [c.key for c in x.checks if c.source == FROM_AUDIT])
            for x in data.tenants
            if any(c.source == FROM_AUDIT for c in x.checks)
        ],
    }


def render_html(data: ReportData, lang: Lang) -> str:
    """One self-contained HTML page in ``lang`` (autoescaped: agency-supplied text can't inject markup)."""
    context = _context(data, lang)
    context["charts"] = capacity_charts(data.capacity, Translator(lang))
    return _environment(True).get_template("report.html.j2").render(context)


def render_markdown(data: ReportData, lang: Lang) -> str:
    """The same report as Markdown, for merge requests and wikis."""
    return _environment(False).get_template("report.md.j2").render(_context(data, lang))


def render_json(data: ReportData) -> str:
    """Language-neutral JSON; ``model.report_from_json`` reads it back."""
    return json.dumps(to_json(data), ensure_ascii=False, indent=2) + "\n"


def write_report(
    data: ReportData, out_dir: Path, languages: Iterable[Lang] = LANGUAGES, formats: Iterable[str] = FORMATS
) -> list[Path]:
    """Write ``report.<lang>.html``, ``report.<lang>.md`` and ``report.json``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    languages, written = list(languages), []
    for fmt in formats:
        if fmt == "json":
            path = out_dir / "report.json"
            path.write_text(render_json(data), "utf-8")
            written.append(path)
            continue
        if fmt not in ("html", "md"):
            raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
        for lang in languages:
            path = out_dir / f"report.{lang}.{fmt}"
            text = render_html(data, lang) if fmt == "html" else render_markdown(data, lang)
            path.write_text(text, "utf-8")
            written.append(path)
    return written
