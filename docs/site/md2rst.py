#!/usr/bin/env python
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the Markdown guides into the collection's antsibull-docs extra docs.

The guides are written once, in Markdown (``docs/guides/*.md``, read on GitHub and linked from
the README). This script generates ``docs/docsite/rst/*.rst`` and ``docs/docsite/extra-docs.yml``
from them, which antsibull-docs puts on the docs site next to the plugin pages.

    python docs/site/md2rst.py           # regenerate
    python docs/site/md2rst.py --check   # fail when the generated files are out of date (CI)

It understands the Markdown the guides use, and fails on anything else instead of guessing:
ATX headings, paragraphs, ``-`` and ``1.`` lists (nested, with code inside), fenced code blocks,
pipe tables, ``>`` notes, inline code, bold, italics and links. A link to another guide (or to a
heading in one, ``file.md#heading``) becomes a Sphinx reference, so a broken link fails the site
build; ``sessionguard.auth0.<plugin>`` in inline code becomes a link to the plugin's page.
"""
import argparse
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "docs", "docsite")
PREFIX = "ansible_collections.sessionguard.auth0.docsite."
REPO_URL = "https://github.com/sessionguard/auth0/blob/main/"

# (section title, [(Markdown source relative to the repository root, generated rst name)]), in site order.
SECTIONS = [
    ("Guides", [
        ("docs/guides/connect-a-real-tenant.md", "guide_connect_a_real_tenant"),
        ("docs/guides/prove-it-on-your-tenant.md", "guide_prove_it_on_your_tenant"),
        ("docs/guides/policy-cookbook.md", "guide_policy_cookbook"),
        ("docs/guides/migrating.md", "guide_migrating"),
        ("docs/guides/awx.md", "guide_awx"),
        ("docs/guides/troubleshooting.md", "guide_troubleshooting"),
    ]),
    ("Reference", [
        ("docs/policy.md", "policy_reference"),
        ("docs/guides/playbooks.md", "playbooks"),
        ("docs/guides/versioning.md", "versioning"),
    ]),
]
SOURCES = dict((src, name) for _title, entries in SECTIONS for src, name in entries)

LEXERS = {"yaml": "yaml+jinja", "yml": "yaml+jinja", "sh": "shell", "shell": "shell", "console": "console",
          "json": "json", "text": "text", "": "text", "ini": "ini", "python": "python", "js": "javascript",
          "javascript": "javascript", "hcl": "text", "jinja": "yaml+jinja"}
UNDERLINES = {1: "=", 2: "-", 3: "~", 4: "^"}


class ConversionError(Exception):
    pass


def slug(text):
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*]", "", text).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def plugin_names():
    """Plugin short name -> its type, for the links of ``sessionguard.auth0.<name>`` in inline code."""
    names = {}
    for entry in sorted(os.listdir(os.path.join(ROOT, "plugins", "filter"))):
        if entry.endswith(".yml"):
            names[entry[:-4]] = "filter"
    for entry in sorted(os.listdir(os.path.join(ROOT, "plugins", "modules"))):
        if entry.endswith(".py") and not entry.startswith("_"):
            names[entry[:-3]] = "module"
    return names


class Converter(object):
    def __init__(self, source, name, plugins):
        self.source = source
        self.name = name
        self.plugins = plugins
        self.directory = os.path.dirname(source)

    # -- inline ---------------------------------------------------------------------------------

    def escape(self, text):
        text = text.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|").replace("`", "\\`")
        # A word ending in "_" is a reference in rst.
        return re.sub(r"(?<=\w)_(?=\W|$)", r"\\_", text)

    def target(self, url):
        """The rst for a link target: (kind, value), kind 'ref' or 'url'."""
        if re.match(r"^[a-z]+://", url) or url.startswith("mailto:"):
            return "url", url
        path, _sep, anchor = url.partition("#")
        if not path:
            source = self.source
        else:
            source = os.path.normpath(os.path.join(self.directory, path))
        if source in SOURCES:
            label = PREFIX + SOURCES[source]
            return "ref", label + ("." + anchor if anchor else "")
        if not os.path.exists(os.path.join(ROOT, source)):
            raise ConversionError("%s: link to %s, which does not exist" % (self.source, url))
        return "url", REPO_URL + source + ("#" + anchor if anchor else "")

    def code(self, text, following):
        match = re.match(r"^sessionguard\.auth0\.(\w+)$", text)
        if match and match.group(1) in self.plugins:
            kind = "role" if following.startswith(" role") else self.plugins[match.group(1)]
            return ":ansplugin:`%s#%s`" % (text, kind)
        if match and following.startswith(" role") and os.path.isdir(os.path.join(ROOT, "roles", match.group(1))):
            return ":ansplugin:`%s#role`" % text
        return "``%s``" % text

    def inline(self, text):
        pattern = re.compile(r"`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*\*([^*]+)\*\*|(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])")
        out = []
        position = 0
        for match in pattern.finditer(text):
            out.append(self.escape(text[position:match.start()]))
            if match.group(1) is not None:
                piece = self.code(match.group(1), text[match.end():])
            elif match.group(2) is not None:
                label = match.group(2)
                kind, value = self.target(match.group(3))
                shown = re.sub(r"`([^`]+)`", r"\1", label)
                if kind == "ref":
                    piece = ":ref:`%s <%s>`" % (self.escape(shown).replace("<", "\\<"), value)
                else:
                    piece = "`%s <%s>`__" % (self.escape(shown).replace("<", "\\<"), value)
            elif match.group(4) is not None:
                piece = "**%s**" % self.escape(match.group(4))
            else:
                piece = "*%s*" % self.escape(match.group(5))
            # rst inline markup must be delimited by whitespace or punctuation.
            if out and out[-1] and re.match(r"[\w]", out[-1][-1]):
                piece = "\\ " + piece
            following = text[match.end():match.end() + 1]
            if following and re.match(r"\w", following):
                piece = piece + "\\ "
            out.append(piece)
            position = match.end()
        out.append(self.escape(text[position:]))
        return "".join(out)

    # -- blocks ---------------------------------------------------------------------------------

    def heading(self, level, text):
        anchor = slug(text)
        title = self.inline(text)
        lines = []
        if level == 1:
            lines += [".. _%s%s:" % (PREFIX, self.name), ""]
        else:
            lines += [".. _%s%s.%s:" % (PREFIX, self.name, anchor), ""]
        lines += [title, UNDERLINES[level] * max(len(title), 3), ""]
        return lines

    def table(self, rows):
        cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]
        if len(cells) < 2 or not all(re.match(r"^:?-+:?$", c) for c in cells[1]):
            raise ConversionError("%s: a table needs a header row and a |---| row: %r" % (self.source, rows[:2]))
        body = [cells[0]] + cells[2:]
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: auto", ""]
        for row in body:
            if len(row) != len(cells[0]):
                raise ConversionError("%s: table row with %d cells, header has %d: %r"
                                      % (self.source, len(row), len(cells[0]), row))
            for index, cell in enumerate(row):
                lead = "   * - " if index == 0 else "     - "
                lines.append(lead + (self.inline(cell) if cell else ""))
        return lines + [""]

    def blocks(self, lines):
        """rst lines for Markdown ``lines`` (already dedented)."""
        out = []
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                i += 1
                continue
            if stripped.startswith("<!--"):
                while "-->" not in lines[i]:
                    i += 1
                i += 1
                continue
            fence = re.match(r"^(```+)\s*([\w+-]*)\s*$", line)
            if fence:
                end = i + 1
                while end < len(lines) and lines[end].strip() != fence.group(1):
                    end += 1
                if end == len(lines):
                    raise ConversionError("%s: unclosed code block: %s" % (self.source, line))
                language = fence.group(2).lower()
                if language not in LEXERS:
                    raise ConversionError("%s: unknown code block language %r" % (self.source, language))
                out += [".. code-block:: %s" % LEXERS[language], ""]
                out += [("   " + code) if code.strip() else "" for code in lines[i + 1:end]]
                out.append("")
                i = end + 1
                continue
            heading = re.match(r"^(#{1,4})\s+(.*)$", line)
            if heading:
                out += self.heading(len(heading.group(1)), heading.group(2).strip())
                i += 1
                continue
            if stripped.startswith("|"):
                end = i
                while end < len(lines) and lines[end].strip().startswith("|"):
                    end += 1
                out += self.table(lines[i:end])
                i = end
                continue
            if stripped.startswith(">"):
                end = i
                body = []
                while end < len(lines) and lines[end].strip().startswith(">"):
                    body.append(re.sub(r"^\s*>\s?", "", lines[end]))
                    end += 1
                out += [".. note::", ""] + ["   " + x if x else "" for x in self.blocks(body)]
                i = end
                continue
            item = re.match(r"^(- |\d+\. )", line)
            if item:
                marker_is_number = item.group(1)[0].isdigit()
                while i < len(lines):
                    current = re.match(r"^(- |\d+\. )", lines[i])
                    if not current:
                        break
                    width = len(current.group(1))
                    body = [lines[i][width:]]
                    i += 1
                    while i < len(lines):
                        nxt = lines[i]
                        if nxt.strip() == "":
                            # A blank line ends the item unless the next non-blank line is indented.
                            j = i
                            while j < len(lines) and not lines[j].strip():
                                j += 1
                            if j < len(lines) and lines[j].startswith(" " * width):
                                body += [""] * (j - i)
                                i = j
                                continue
                            break
                        if nxt.startswith(" " * width):
                            body.append(nxt[width:])
                        elif re.match(r"^(- |\d+\. |#|```|\|)", nxt):
                            break
                        else:
                            body.append(nxt.strip())  # lazy continuation
                        i += 1
                    marker = "#. " if marker_is_number else "- "
                    converted = self.blocks(body)
                    while converted and not converted[-1]:
                        converted.pop()
                    pad = " " * len(marker)
                    out += [marker + converted[0]] + [(pad + x) if x else "" for x in converted[1:]]
                    # Skip blank lines between items of the same list.
                    j = i
                    while j < len(lines) and not lines[j].strip():
                        j += 1
                    if j < len(lines) and re.match(r"^(- |\d+\. )", lines[j]):
                        i = j
                out.append("")
                continue
            if line.startswith(" "):
                raise ConversionError("%s: indented text outside a list: %r" % (self.source, line))
            end = i
            paragraph = []
            block_start = re.compile(r"^(#{1,4}\s|```|\||>|- |\d+\. )")
            while end < len(lines) and lines[end].strip() and not block_start.match(lines[end]):
                paragraph.append(lines[end].strip())
                end += 1
            out += [self.inline(" ".join(paragraph)), ""]
            i = end
        return out

    def convert(self, text):
        lines = text.splitlines()
        if not lines or not lines[0].startswith("# "):
            raise ConversionError("%s: must start with a '# Title' line" % self.source)
        body = self.blocks(lines)
        header = [".. Generated from %s by docs/site/md2rst.py. Edit the Markdown, then run that script." % self.source,
                  ""]
        return "\n".join(header + body).rstrip() + "\n"


def extra_docs_yaml():
    lines = ["---", "# Generated by docs/site/md2rst.py from its SECTIONS list.", "sections:"]
    for title, entries in SECTIONS:
        lines += ["  - title: %s" % title, "    toctree:"]
        lines += ["      - %s" % name for _source, name in entries]
    return "\n".join(lines) + "\n"


def generate():
    plugins = plugin_names()
    files = {os.path.join(OUT, "extra-docs.yml"): extra_docs_yaml()}
    for source, name in SOURCES.items():
        with open(os.path.join(ROOT, source)) as handle:
            text = handle.read()
        files[os.path.join(OUT, "rst", name + ".rst")] = Converter(source, name, plugins).convert(text)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a generated file is out of date")
    args = parser.parse_args(argv)
    try:
        files = generate()
    except ConversionError as exc:
        print("md2rst: %s" % exc, file=sys.stderr)
        return 2
    stale = []
    for path, content in sorted(files.items()):
        current = open(path).read() if os.path.exists(path) else None
        if current != content:
            stale.append(os.path.relpath(path, ROOT))
            if not args.check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as handle:
                    handle.write(content)
    expected = set(os.path.basename(p) for p in files if p.endswith(".rst"))
    extra = sorted(f for f in os.listdir(os.path.join(OUT, "rst")) if f.endswith(".rst") and f not in expected) \
        if os.path.isdir(os.path.join(OUT, "rst")) else []
    for name in extra:
        stale.append("docs/docsite/rst/%s (no Markdown source)" % name)
        if not args.check:
            os.remove(os.path.join(OUT, "rst", name))
    if args.check and stale:
        print("md2rst: out of date, run python docs/site/md2rst.py: %s" % ", ".join(stale), file=sys.stderr)
        return 1
    for path in stale:
        print("md2rst: wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
