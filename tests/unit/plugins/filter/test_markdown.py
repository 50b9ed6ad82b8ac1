import pytest

from ansible_collections.sessionguard.auth0.plugins.filter.markdown import FilterModule, markdown_cell


@pytest.mark.parametrize("value, cell", [
    ("acme|prod", "acme\\|prod"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("a & b", "a &amp; b"),
    ("*bold* `code` [link](x) ~~gone~~ back\\slash", "\\*bold\\* \\`code\\` \\[link\\](x) \\~\\~gone\\~\\~ back\\\\slash"),
    ("line one\nline two\r\nthree\u2028four", "line one<br>line two<br>three<br>four"),
    (None, ""),
    (42, "42"),
    ("session_lifetime", "session_lifetime"),
])
def test_markdown_cell(value, cell):
    assert markdown_cell(value) == cell


def test_registered():
    assert FilterModule().filters()["markdown_cell"] is markdown_cell
