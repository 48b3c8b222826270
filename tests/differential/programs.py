"""Small generated programs for differential testing: each case is one expression, printed.

Every case becomes
    try:
     print(repr(EXPR))
    except ZeroDivisionError:
     print('ZeroDivisionError')
    ...
so a program prints one line per case whatever happens, and lines can be compared one by
one between CPython and MicroPython. Values stay small: the micro:bit has no big ints.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from hypothesis import strategies as st

EXCEPTIONS = (
    "ZeroDivisionError",
    "ValueError",
    "IndexError",
    "KeyError",
    "TypeError",
    "OverflowError",
    "AttributeError",
    "NotImplementedError",
)


@dataclass(frozen=True)
class Case:
    category: str
    expr: str


def render(cases: list[Case]) -> str:
    lines = []
    for case in cases:
        lines.append("try:")
        lines.append(f" print(repr({case.expr}))")
        for name in EXCEPTIONS:
            lines.append(f"except {name}:\n print('{name}')")
        lines.append("except Exception:\n print('Exception')")
    return "\n".join(lines) + "\n"


def fill(form: str, **values) -> str:
    """ "$a + $b" with a=1, b=2 -> "1 + 2" (lists and other values go in as their repr)."""
    for name, value in values.items():
        form = form.replace("$" + name, value if isinstance(value, str) else repr(value))
    return form


small = st.integers(-2000, 2000)
tiny = st.integers(-20, 20)
text = st.text(string.ascii_letters[:6] + string.digits[:3] + " -", max_size=10)
needle = st.text("abcdef 1", min_size=0, max_size=2)
floats = st.integers(-10000, 10000).map(lambda n: n / 100)
int_lists = st.lists(st.integers(-9, 9), max_size=6)


@st.composite
def int_case(draw) -> Case:
    a, b = draw(small), draw(small)
    form = draw(
        st.sampled_from(
            [
                "$a + $b",
                "$a - $b",
                "$a * $b",
                "$a // $b",
                "$a % $b",
                "divmod($a, $b)",
                "$a < $b",
                "$a == $b",
                "abs($a)",
                "-$a",
                "~$a",
                "$a & $b",
                "$a | $b",
                "$a ^ $b",
                "$a >> $s",
                "$a << $s",
                "$p ** $e",
                "max($a, $b)",
                "min($a, $b)",
                "hex($a)",
                "bin($s)",
                "int(str($a))",
                "bool($a)",
            ]
        )
    )
    return Case(
        "int",
        fill(form, a=f"({a})", b=f"({b})", s=draw(st.integers(0, 8)), p=f"({draw(tiny)})", e=draw(st.integers(0, 5))),
    )


@st.composite
def float_case(draw) -> Case:
    x, y = draw(floats), draw(floats)
    form = draw(
        st.sampled_from(
            [
                "$x + $y",
                "$x - $y",
                "$x * $y",
                "$x / $y",
                "abs($x)",
                "-$x",
                "$x < $y",
                "float(int($x))",
                "int($x)",
                "round($x)",
                "$x // 1",
            ]
        )
    )
    expr = fill(form, x=f"({x!r})", y=f"({y!r})")
    return Case("float", f"'%.2f' % ({expr})" if form not in ("$x < $y", "int($x)", "round($x)") else expr)


@st.composite
def str_case(draw) -> Case:
    s, t, n = repr(draw(text)), repr(draw(needle)), draw(st.integers(-12, 12))
    m = draw(st.integers(-12, 12))
    form = draw(
        st.sampled_from(
            [
                "$s.upper()",
                "$s.lower()",
                "$s.strip()",
                "$s.split()",
                "$s.split('-')",
                "$s.replace($t, 'x')",
                "$s.find($t)",
                "$s.startswith($t)",
                "$s.endswith($t)",
                "$s[$n]",
                "$s[$n:$m]",
                "$s[:$n]",
                "$s[::$k]",
                "$s * $k",
                "$s + $t",
                "$t in $s",
                "$s.count($t)",
                "$s.isdigit()",
                "$s.isalpha()",
                "'-'.join($s.split())",
                "len($s)",
                "$s.index($t)",
                "$s.lstrip('a')",
                "sorted($s)",
                "$s.rstrip(' ')",
            ]
        )
    )
    return Case("str", fill(form, s=s, t=t, n=n, m=m, k=draw(st.integers(-3, 3))))


@st.composite
def container_case(draw) -> Case:
    a, b = draw(int_lists), draw(int_lists)
    i, j = draw(st.integers(-8, 8)), draw(st.integers(-8, 8))
    form = draw(
        st.sampled_from(
            [
                "sorted($a)",
                "$a[$i:$j]",
                "$a[$i]",
                "len($a)",
                "sum($a)",
                "min($a)",
                "max($a)",
                "$a.index($i)",
                "$a.count($i)",
                "list(reversed($a))",
                "$a + $b",
                "sorted(set($a) & set($b))",
                "sorted(set($a) | set($b))",
                "sorted(set($a) - set($b))",
                "sorted(dict(zip($a, $b)).items())",
                "dict(zip($a, $b)).get($i)",
                "[x * 2 for x in $a if x > $i]",
                "$a * 2",
                "$i in $a",
                "$a[::-1]",
                "$a[::2]",
                "sorted($a, reverse=True)",
                "list(enumerate($a))[$i:$j]",
                "tuple($a)[$i:$j]",
            ]
        )
    )
    return Case("containers", fill(form, a=a, b=b, i=i, j=j))


@st.composite
def format_case(draw) -> Case:
    a, s, x = draw(small), repr(draw(text)), draw(floats)
    form = draw(
        st.sampled_from(
            [
                "'%d' % $a",
                "'%5d|' % $a",
                "'%-6s|' % $s",
                "'%x' % abs($a)",
                "'%o' % abs($a)",
                "'{}'.format($a)",
                "'{:>6}|'.format($s)",
                "'{:<6}|'.format($s)",
                "'{:^7}|'.format($s)",
                "'{:06.2f}'.format($x)",
                "'{:+d}'.format($a)",
                "'%.1f' % $x",
                "'{0}-{0}'.format($s)",
                "str($a) + $s",
                "'%s and %r' % ($s, $s)",
            ]
        )
    )
    return Case("format", fill(form, a=f"({a})", s=s, x=f"({x!r})"))


@st.composite
def exception_case(draw) -> Case:
    form = draw(
        st.sampled_from(
            [
                "int($s)",
                "[1, 2][$n]",
                "{'a': 1}[$s]",
                "1 // $n",
                "None + $n",
                "'ab'.index($s)",
                "[].pop()",
                "float($s)",
                "int('12', $n)",
                "(1, 2) + [3]",
                "'x' * $s",
                "len($n)",
                "[0] * $n",
                "{}.pop($s)",
            ]
        )
    )
    return Case("exceptions", fill(form, s=repr(draw(needle)), n=draw(st.integers(-3, 3))))


CATEGORIES = {
    "int": int_case(),
    "float": float_case(),
    "str": str_case(),
    "containers": container_case(),
    "format": format_case(),
    "exceptions": exception_case(),
}


def programs(category: str):
    return st.lists(CATEGORIES[category], min_size=1, max_size=6)
