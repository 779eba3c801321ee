"""A course's self-test in Moodle XML (docs.moodle.org/en/Moodle_XML_format), the open format of the
Moodle LMS and of platforms that import it: a category named after the course, then one question per
self-test question, single-answer multiple choice (multichoice) or true/false (truefalse), each with
the explanation as its general feedback and a verdict as each answer's feedback.

Texts are HTML (format="html"): the data's text is HTML-escaped first, then the XML writer escapes the
result again, so that text such as <script> reaches the learner as text, never as markup."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
import zlib

from ..resolve import model as m
from ..resolve.selftest import CHOICE, Question
from .text import xml_text


def _sub(parent: ET.Element, tag: str, value: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if value is not None:
        element.text = value
    return element


def _text(parent: ET.Element, tag: str, content: str, html_format: bool = True) -> ET.Element:
    """A Moodle text field: <tag format="html"><text>…</text></tag>."""
    element = _sub(parent, tag, **({"format": "html"} if html_format else {}))
    _sub(element, "text", xml_text(content))
    return element


def _paragraphs(*lines: str) -> str:
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def moodle_xml(handbook: m.Handbook, course: m.Course, questions: list[Question]) -> bytes:
    quiz = ET.Element("quiz")
    category = _sub(quiz, "question", type="category")
    # "$course$/top/…": a category of the course the trainer imports into, named after this course
    # ('/' separates categories there; a slash of the name itself is written '//').
    name = f"{handbook.info.title}：{course.name}".replace("/", "//")
    _text(category, "category", f"$course$/top/{name}", html_format=False)
    _text(category, "info", _paragraphs(f"{course.name}（{handbook.info.edition}，{handbook.info.date}）的自测题，"
                                        "由手册数据生成。"))
    for question in questions:
        _question(quiz, course, question)
    ET.indent(quiz)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n").encode()


# Moodle keeps a question's ID number in 100 characters; a longer one could not be imported.
IDNUMBER_LENGTH = 100


def _idnumber(key: str) -> str:
    """The question's stable key, or for a long one its start and a checksum of the whole (still
    unique, still the same from the same data)."""
    if len(key) <= IDNUMBER_LENGTH:
        return key
    return f"{key[:IDNUMBER_LENGTH - 9]}-{zlib.crc32(key.encode()):08x}"


def _question(quiz: ET.Element, course: m.Course, q: Question) -> None:
    choice = q.kind == CHOICE
    element = _sub(quiz, "question", type="multichoice" if choice else "truefalse")
    name = _sub(element, "name")
    _sub(name, "text", xml_text(f"{q.number:02d} {q.about_label}"))
    _text(element, "questiontext", _paragraphs(q.text))
    _text(element, "generalfeedback", _paragraphs(q.explanation))
    _sub(element, "defaultgrade", "1")
    # Moodle's own defaults: a third of the mark off per wrong try; a true/false question has one try.
    _sub(element, "penalty", "0.3333333" if choice else "1")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", _idnumber(f"{course.id}/{q.key}"))
    right = f"回答正确。正确答案：{q.answer}"
    wrong = f"回答错误。正确答案：{q.answer}"
    if choice:
        _sub(element, "single", "true")
        _sub(element, "shuffleanswers", "true")
        _sub(element, "answernumbering", "ABCD")
        _sub(element, "showstandardinstruction", "0")
        _text(element, "correctfeedback", _paragraphs("回答正确。"))
        _text(element, "partiallycorrectfeedback", "")
        _text(element, "incorrectfeedback", _paragraphs("回答错误。"))
        for index, option in enumerate(q.options):
            answer = _sub(element, "answer", fraction="100" if index == q.correct else "0", format="html")
            _sub(answer, "text", xml_text(html.escape(option, quote=False)))
            _text(answer, "feedback", _paragraphs(right if index == q.correct else wrong))
        return
    # true/false: the answers' texts are the words Moodle matches, 'true' and 'false'.
    for index, word in enumerate(("true", "false")):
        answer = _sub(element, "answer", fraction="100" if index == q.correct else "0", format="moodle_auto_format")
        _sub(answer, "text", word)
        _text(answer, "feedback", _paragraphs(right if index == q.correct else wrong))
