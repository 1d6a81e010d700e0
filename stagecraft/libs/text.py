"""What the database can store: the one rule for text and JSON values, used by both APIs and the
record pipeline.

PostgreSQL refuses two kinds of text that Python and JSON allow: the NUL character (U+0000), which
no `text` or `jsonb` value may hold, and lone surrogates (U+D800 to U+DFFF not in a pair; JSON's
`"\\ud800"` escape gives one), which can't be encoded as UTF-8 at all. SQLite would store them, but
the same rule holds on every database so that data moves between them. JSON numbers that Python
reads as infinity (`1e400`) can't be written back as JSON. Each problem is refused with a message
naming where it was found, rather than failing in the database.

    text_problem("a\\x00b")                  -> "contains a NUL character (\\\\u0000)"
    json_problem({"a": [1e400]}, "body")    -> ("body.a[0]", "is not a finite number")
"""

import math
import re

# A surrogate code point on its own: Python's str holds these when JSON escapes or
# "surrogateescape" decoding put them there; a valid pair is always one code point in a str.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Objects and lists inside each other: deeper than any configuration or record needs.
MAX_DEPTH = 64


def text_problem(text: str) -> str | None:
    """Why the database can't store or compare this text, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000)"
    return f"contains a lone surrogate (\\u{ord(found.group()):04x})"


def json_problem(value: object, where: str) -> tuple[str, str] | None:
    """The first place in a parsed JSON value (keys included) that can't be stored, as (path, why).

    `where` names the value itself (a field's name); the path adds `.key` and `[index]` below it.
    Values nested more than MAX_DEPTH deep are refused too: checking them (a JSON Schema's own
    meta-schema check, say) recurses as deep as they go. Walked with a stack, not recursion.
    """
    pending: list[tuple[str, object, int]] = [(where, value, 0)]
    while pending:
        path, item, depth = pending.pop()
        if depth > MAX_DEPTH:
            return path, f"is nested more than {MAX_DEPTH} levels deep"
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return path, problem
        elif isinstance(item, float) and not math.isfinite(item):
            return path, "is not a finite number"
        elif isinstance(item, dict):
            for key in item:
                key_problem = text_problem(key) if isinstance(key, str) else None
                if key_problem:
                    return path, f"has a key that {key_problem}"
            # Reversed, so that the first problem in document order is found first.
            pending.extend(reversed([(f"{path}.{key}", child, depth + 1) for key, child in item.items()]))
        elif isinstance(item, list):
            pending.extend(
                reversed([(f"{path}[{index}]", child, depth + 1) for index, child in enumerate(item)])
            )
    return None


def json_problem_message(value: object, where: str) -> str | None:
    """json_problem() as one sentence: "description contains a NUL character (\\u0000)"."""
    found = json_problem(value, where)
    return f"{found[0]} {found[1]}" if found else None
