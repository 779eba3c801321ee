"""A course's self-test as an .xlsx sheet in the column layout Chinese exam and training platforms
import (README: 培训老师): 题型、题干、选项A—D、答案、解析, one question a row, the header in the first
row. 题型 is 单选题 or 判断题; 答案 is the option's letter, or 正确/错误 (a true/false question leaves
the option columns empty); 解析 is the explanation with the basis and, for a proposal, its standing.

Written without a spreadsheet library: an .xlsx is a zip of a few small XML parts (Office Open XML,
ECMA-376), here the fewest Excel, WPS and the platforms' readers open: workbook, one sheet, shared
strings and a style sheet (bold header, wrapped text). Byte-reproducible: parts in sorted order, each
dated the handbook's date, fixed permissions and compression; no timestamps or authors inside."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from ..resolve.selftest import CHOICE, LETTERS, Question
from .text import xml_text
from .zipped import fixed_entry

COLUMNS = ("题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析")
# Column widths in characters, so that a trainer opening the file can read it.
WIDTHS = (8, 50, 24, 24, 24, 24, 8, 70)
SHEET_NAME = "题目"

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def question_rows(questions: list[Question]) -> list[tuple[str, ...]]:
    """The header and one row per question, as the sheet holds them."""
    rows = [COLUMNS]
    for q in questions:
        options = q.options if q.kind == CHOICE else ()
        padded = tuple(options) + ("",) * (len(LETTERS) - len(options))
        rows.append((q.kind_label, q.text, *padded, q.letter, q.explanation))
    return rows


def question_sheet(questions: list[Question], date: str) -> bytes:
    return xlsx(question_rows(questions), date)


def _xml(element: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(element, encoding="utf-8",
                                                                                      xml_declaration=False)


def _column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx(rows: list[tuple[str, ...]], date: str) -> bytes:
    """A workbook of one sheet holding rows of text, the first row a bold header."""
    strings: dict[str, int] = {}
    sheet = ET.Element("worksheet", {"xmlns": MAIN})
    last = f"{_column(max(len(row) for row in rows) - 1)}{len(rows)}"
    ET.SubElement(sheet, "dimension", ref=f"A1:{last}")
    view = ET.SubElement(ET.SubElement(sheet, "sheetViews"), "sheetView", workbookViewId="0")
    ET.SubElement(view, "pane", ySplit="1", topLeftCell="A2", activePane="bottomLeft", state="frozen")
    ET.SubElement(sheet, "sheetFormatPr", defaultRowHeight="15")
    cols = ET.SubElement(sheet, "cols")
    for number, width in enumerate(WIDTHS, start=1):
        ET.SubElement(cols, "col", min=str(number), max=str(number), width=str(width), customWidth="1")
    data = ET.SubElement(sheet, "sheetData")
    for r, row in enumerate(rows, start=1):
        line = ET.SubElement(data, "row", r=str(r))
        for c, value in enumerate(row):
            value = xml_text(value)
            if not value:
                continue  # an empty cell is simply absent
            cell = ET.SubElement(line, "c", r=f"{_column(c)}{r}", t="s", s="1" if r == 1 else "2")
            ET.SubElement(cell, "v").text = str(strings.setdefault(value, len(strings)))
    shared = ET.Element("sst", {"xmlns": MAIN, "count": str(sum(1 for row in rows for v in row if xml_text(v))),
                                "uniqueCount": str(len(strings))})
    for value in strings:
        ET.SubElement(ET.SubElement(shared, "si"), "t", {"xml:space": "preserve"}).text = value
    parts = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _relationships([("officeDocument", "xl/workbook.xml")], DOC_RELS),
        "xl/workbook.xml": _workbook(),
        "xl/_rels/workbook.xml.rels": _relationships(
            [("worksheet", "worksheets/sheet1.xml"), ("styles", "styles.xml"), ("sharedStrings", "sharedStrings.xml")],
            DOC_RELS),
        "xl/worksheets/sheet1.xml": _xml(sheet),
        "xl/sharedStrings.xml": _xml(shared),
        "xl/styles.xml": _styles(),
    }
    return _zipped(parts, date)


def _content_types() -> bytes:
    types = ET.Element("Types", {"xmlns": CONTENT_TYPES})
    ET.SubElement(types, "Default", Extension="rels", ContentType="application/vnd.openxmlformats-package.relationships+xml")
    ET.SubElement(types, "Default", Extension="xml", ContentType="application/xml")
    for part, kind in (("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/sheet1.xml", "worksheet"),
                       ("/xl/sharedStrings.xml", "sharedStrings"), ("/xl/styles.xml", "styles")):
        ET.SubElement(types, "Override", PartName=part, ContentType=f"{SHEET_TYPE}.{kind}+xml")
    return _xml(types)


def _relationships(targets: list[tuple[str, str]], kind_base: str) -> bytes:
    relationships = ET.Element("Relationships", {"xmlns": RELS})
    for number, (kind, target) in enumerate(targets, start=1):
        ET.SubElement(relationships, "Relationship", Id=f"rId{number}", Type=f"{kind_base}/{kind}", Target=target)
    return _xml(relationships)


def _workbook() -> bytes:
    workbook = ET.Element("workbook", {"xmlns": MAIN, "xmlns:r": DOC_RELS})
    sheets = ET.SubElement(workbook, "sheets")
    ET.SubElement(sheets, "sheet", {"name": SHEET_NAME, "sheetId": "1", "r:id": "rId1"})
    return _xml(workbook)


def _styles() -> bytes:
    """Style 0 Excel's normal, 1 the bold header, 2 text wrapped and set at the top of its cell."""
    styles = ET.Element("styleSheet", {"xmlns": MAIN})
    fonts = ET.SubElement(styles, "fonts", count="2")
    for bold in (False, True):
        font = ET.SubElement(fonts, "font")
        if bold:
            ET.SubElement(font, "b")
        ET.SubElement(font, "sz", val="11")
        ET.SubElement(font, "name", val="宋体")
    fills = ET.SubElement(styles, "fills", count="2")
    for pattern in ("none", "gray125"):  # the two fills every workbook has
        ET.SubElement(ET.SubElement(fills, "fill"), "patternFill", patternType=pattern)
    border = ET.SubElement(ET.SubElement(styles, "borders", count="1"), "border")
    for side in ("left", "right", "top", "bottom", "diagonal"):
        ET.SubElement(border, side)
    base = {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0"}
    ET.SubElement(ET.SubElement(styles, "cellStyleXfs", count="1"), "xf", base)
    cell_xfs = ET.SubElement(styles, "cellXfs", count="3")
    ET.SubElement(cell_xfs, "xf", {**base, "xfId": "0"})
    header = ET.SubElement(cell_xfs, "xf", {**base, "fontId": "1", "xfId": "0", "applyFont": "1", "applyAlignment": "1"})
    ET.SubElement(header, "alignment", vertical="top")
    body = ET.SubElement(cell_xfs, "xf", {**base, "xfId": "0", "applyAlignment": "1"})
    ET.SubElement(body, "alignment", vertical="top", wrapText="1")
    ET.SubElement(ET.SubElement(styles, "cellStyles", count="1"), "cellStyle", name="Normal", xfId="0", builtinId="0")
    return _xml(styles)


def _zipped(parts: dict[str, bytes], date: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(parts):
            archive.writestr(fixed_entry(name, date), parts[name], compresslevel=9)
    return buffer.getvalue()
