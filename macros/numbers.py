"""Chinese numerals for 第N步 and chapter numbers, shared by the templates, the diagrams and the
self-tests (shared by the stages, so that check counts questions without importing the renderer)."""

from __future__ import annotations

from .errors import BuildError

_DIGITS = "零一二三四五六七八九"


def cjk_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十, 100 -> 一百, 105 -> 一百零五, 110 -> 一百一十 (for 第N步 and
    chapter numbers; up to 9999)."""
    if not 0 <= n < 10000:
        raise BuildError(f"序号 {n} 超出了中文数字能写的范围（0—9999）。")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out = ""
    zero = False  # a skipped place between two digits is read as one 零
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero else "") + _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out
