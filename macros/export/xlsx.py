"""A course's self-test as an .xlsx sheet in the layout of 考试宝's batch-import template
(kaoshibaoExcel20221101.xlsx; README: 培训老师): one question a row under the template's header row,
题干 and 题型 first, eight option columns (E to H left empty), the answer's letter, the explanation
(解析, with the basis and, for a proposal, its standing), the chapter (the entry the question is about)
and an empty difficulty. A true/false question fills options A and B with 正确 and 错误, as the
template's own examples fill them with 对 and 错, and answers with a letter like any other.

Written without a spreadsheet library: an .xlsx is a zip of a few small XML parts (Office Open XML,
ECMA-376), here the fewest Excel, WPS and the platforms' readers open: workbook, one sheet, shared
strings and a style sheet (bold header, wrapped text). Byte-reproducible: parts in sorted order, each
dated the handbook's date, fixed permissions and compression; no timestamps or authors inside."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from ..resolve.selftest import Question
from .text import xml_text
from .zipped import fixed_entry

# The template's header, as it writes it (line breaks and the space in 选项 A included): platforms
# match columns by these texts.
COLUMNS = ("题干（必填）", "题型 （必填）", "选项 A", "选项 B", "选项 C", "选项 D",
           "选项E\n(勿删)", "选项F\n(勿删)", "选项G\n(勿删)", "选项H\n(勿删)",
           "正确答案\n（必填）", "解析\n（勿删）", "章节\n（勿删）", "难度")
OPTION_COLUMNS = 8
# Column widths in characters, so that a trainer opening the file can read it.
WIDTHS = (50, 10, 24, 24, 24, 24, 8, 8, 8, 8, 10, 70, 24, 6)
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
        padded = tuple(q.options) + ("",) * (OPTION_COLUMNS - len(q.options))
        rows.append((q.text, q.kind_label, *padded, q.letter, q.explanation, q.about_label, ""))
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
    """Style 0 Excel's normal, 1 the bold header, 2 text; both wrapped and set at the top of their cells."""
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
    ET.SubElement(header, "alignment", vertical="top", wrapText="1")
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
