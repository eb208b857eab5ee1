"""Mock-file text -> :class:`~.file.MockFile`, every problem as a ``path:line:col`` diagnostic."""
from __future__ import annotations

from ..diagnostics import ERROR, Diagnostic, ordered
from ..file_kinds import MOCKS, other_kind
from ..nodes import Map, Node, Scalar, Seq, to_python
from .file import (_CALLBACK_KEYS, _FUNCTION_KEYS, _NEEDS, _STATE_KEYS, MAX_DELAY, SECTIONS, WHEN_KEYS, Entry,
                   MockFile, MockFileError)


def _unknown(k: Scalar, allowed, where: str, what: str = "unknown field") -> Diagnostic:
    """``where: unknown field 'bdy'; allowed: ...`` with a did-you-mean."""
    from ..flow_slips import near_miss
    guess = near_miss(str(k.value), allowed)
    return Diagnostic(ERROR, "mock", k.line, k.col, f"{where}: {what} {k.value!r}; allowed: {', '.join(sorted(allowed))}",
                      f"did you mean {guess!r}?" if guess else "")


def _needs(it: Map, section: str, key: str, message: str, diags: list) -> None:
    """``message`` (an answer lacks what it needs): on the key that is a slip of a
    needed one (``bdy`` for ``body``) in place of that key's unknown-field error, else on the answer."""
    from ..flow_slips import slip_note, slipped_key
    allowed = {"functions": _FUNCTION_KEYS, "states": _STATE_KEYS, "callbacks": _CALLBACK_KEYS}[section]
    for want in _NEEDS[section]:
        k = slipped_key(it, want, allowed)
        if k is not None:
            diags[:] = [d for d in diags if not (d.code == "mock" and (d.line, d.col) == (k.line, k.col))]
            diags.append(Diagnostic(ERROR, "mock", k.line, k.col, message + slip_note(k, want),
                                    f"rename {k.value!r} to {want!r}"))
            return
    diags.append(Diagnostic(ERROR, "mock", it.line, it.col, message))


def _entries(node: Node, allowed: set[str], section: str, key: str, diags: list) -> list[Entry]:
    items = node.items if isinstance(node, Seq) else (node,)
    if not items:
        diags.append(Diagnostic(ERROR, "mock", node.line, node.col, f"{section}.{key}: the list of answers is empty"))
    out = []
    for it in items:
        if not isinstance(it, Map):
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"{section}.{key}: each answer must be a mapping"))
            continue
        for k, _ in it.items:
            if k.value not in allowed:
                diags.append(_unknown(k, allowed, f"{section}.{key}"))
        data = to_python(it)
        when = _when(it, data.pop("when", None), section, key, diags)
        times = data.pop("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            at = it.get("times") or it
            diags.append(Diagnostic(ERROR, "mock", at.line, at.col, f"{section}.{key}: 'times' must be a positive integer"))
            times = 1
        for num in ("delay", "after"):
            v = data.get(num)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= MAX_DELAY):
                at = it.get(num) or it
                diags.append(Diagnostic(ERROR, "mock", at.line, at.col,
                                        f"{section}.{key}: '{num}' must be a number of seconds from 0 to "
                                        f"{MAX_DELAY:,} (a year, CloudFlow's longest execution)"))
        if section == "callbacks":
            if "succeed" not in data and "fail" not in data:
                _needs(it, section, key, f"callbacks.{key}: each answer needs exactly one of 'succeed' or 'fail'", diags)
            elif ("succeed" in data) == ("fail" in data):
                diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"callbacks.{key}: each answer needs exactly one of 'succeed' or 'fail'"))
            elif "fail" in data and not (isinstance(data["fail"], dict) and isinstance(data["fail"].get("error"), str)):
                diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"callbacks.{key}: 'fail' needs an 'error' name (and optionally 'cause')"))
        elif "error" in data and ("body" in data or "result" in data):
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col,
                                    f"{section}.{key}: an answer has either 'error' or "
                                    f"'{'body' if section == 'functions' else 'result'}', not both"))
        elif "error" in data and not isinstance(data["error"], str):
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"{section}.{key}: 'error' must be an error name such as FC.ResourceThrottled"))
        elif section == "functions" and "error" not in data and "body" not in data:
            _needs(it, section, key, f"functions.{key}: an answer needs 'body' or 'error'", diags)
        elif section == "states" and "error" not in data and "result" not in data:
            _needs(it, section, key, f"states.{key}: an answer needs 'result' or 'error'", diags)
        bad = _non_finite(data)
        if bad:
            diags.append(Diagnostic(ERROR, "mock", it.line, it.col, f"{section}.{key}: {bad} is not a JSON number"))
        out.append(Entry(data, times, it.line, when, it))
    return out


def _when(it: Map, when, section: str, key: str, diags: list) -> dict | None:
    if when is None:
        return None
    at = it.get("when")
    allowed = WHEN_KEYS[section]
    if not isinstance(when, dict) or not when:
        diags.append(Diagnostic(ERROR, "mock", at.line, at.col,
                                f"{section}.{key}: 'when' must be a mapping of request fields to match, e.g. "
                                f"when: {{scope: \"M[1]\"}}; it may name {', '.join(allowed)}"))
        return None
    for k, v in at.items:
        if k.value not in allowed:
            from ..flow_slips import near_miss
            guess = near_miss(str(k.value), allowed)
            diags.append(Diagnostic(ERROR, "mock", k.line, k.col,
                                    f"{section}.{key}: 'when' cannot match {k.value!r}; it may name {', '.join(allowed)}",
                                    f"did you mean {guess!r}?" if guess else ""))
        elif k.value == "scope" and not isinstance(v.value if isinstance(v, Scalar) else None, str):
            diags.append(Diagnostic(ERROR, "mock", v.line, v.col,
                                    f"{section}.{key}: when.scope must be a scope path such as \"M[1]\" or "
                                    "\"P.Branch0\" (quote it: YAML reads [1] as a list)"))
        elif k.value == "attempt" and (isinstance(v.value if isinstance(v, Scalar) else None, bool)
                                       or not isinstance(v.value if isinstance(v, Scalar) else None, int)):
            diags.append(Diagnostic(ERROR, "mock", v.line, v.col,
                                    f"{section}.{key}: when.attempt must be an integer (0 = the first call, 1 = the first retry)"))
    return when


def _non_finite(v) -> str | None:
    """YAML's .nan/.inf have no JSON form."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return repr(v)
    if isinstance(v, dict):
        v = list(v.values())
    if isinstance(v, list):
        for x in v:
            bad = _non_finite(x)
            if bad:
                return bad
    return None


def parse_mocks(text: str, path: str = "") -> MockFile:
    """Parse mock-file text (YAML or JSON). Raises :class:`MockFileError`."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return MockFile(path=path)
    from ..load import load_text  # YAML only when there is a mock file to read
    res = load_text(text)
    diags = [d for d in res.diagnostics if d.severity == ERROR]
    mf = MockFile(path=path)
    root = res.root
    if root is None and not diags:
        return mf
    if root is not None and not isinstance(root, Map):
        diags.append(Diagnostic(ERROR, "mock", root.line, root.col, "the mock file must be a mapping with functions/states/callbacks"))
    if not diags and (wrong := other_kind(root, MOCKS)) is not None:
        diags.append(Diagnostic(ERROR, "not-a-mock-file", root.line, root.col, *wrong))  # one line, not one per key
    if diags:
        raise MockFileError(path, diags)
    sections = {"functions": (_FUNCTION_KEYS, mf.functions), "states": (_STATE_KEYS, mf.states),
                "callbacks": (_CALLBACK_KEYS, mf.callbacks)}
    for k, v in root.items:
        name = k.value
        if name in sections:
            allowed, target = sections[name]
            if not isinstance(v, Map):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, f"'{name}' must be a mapping of names to answers"))
                continue
            for fk, fv in v.items:
                target[str(fk.value)] = _entries(fv, allowed, name, str(fk.value), diags)
                mf.positions[(name, str(fk.value))] = (fk.line, fk.col)
        elif name == "local":
            if not isinstance(v, Map) or not all(isinstance(x, Scalar) and isinstance(x.value, str) for _, x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'local' maps function names to 'path/to/file.py:handler'"))
            else:
                mf.local = {str(a.value): b.value for a, b in v.items}
                mf.positions.update((("local", str(a.value)), (a.line, a.col)) for a, _ in v.items)
        elif name == "flows":
            if not isinstance(v, Map) or not all(isinstance(x, Scalar) and isinstance(x.value, str) for _, x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'flows' maps child flow names to flow files"))
            else:
                import os
                base = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
                mf.flows = {str(a.value): os.path.join(base, b.value) for a, b in v.items}
                for a, b in v.items:
                    mf.positions[("flows", str(a.value))] = (a.line, a.col)
                    mf.positions[("flows:path", str(a.value))] = (b.line, b.col)
                    mf.written[("flows", str(a.value))] = b.value
        elif name == "live":
            if not isinstance(v, Seq) or not all(isinstance(x, Scalar) for x in v.items):
                diags.append(Diagnostic(ERROR, "mock", v.line, v.col, "'live' is a list of function names"))
            else:
                mf.live = [str(x.value) for x in v.items]
        else:
            from ..flow_slips import near_miss
            guess = near_miss(str(name), SECTIONS)
            diags.append(Diagnostic(ERROR, "mock", k.line, k.col,
                                    f"unknown section {name!r}; a mock file has {', '.join(SECTIONS)}",
                                    f"did you mean {guess!r}?" if guess else ""))
    if diags:
        mf.warnings = [d for d in res.diagnostics if d.severity != ERROR]
        raise MockFileError(path, ordered(diags), partial=mf)  # by position, as every list of diagnostics
    mf.warnings = [d for d in res.diagnostics if d.severity != ERROR]
    return mf


def load_mocks(path: str) -> MockFile:
    """Read the mock file at ``path``. One read before (without errors)
    comes out of the definition cache, keyed by its bytes and ``path``: no
    YAML to import or parse, every start of the debugger on the same files."""
    from .. import defcache
    try:
        with open(path, "rb") as f:
            k = defcache.mocks_key(f.read(), path)
    except OSError:
        k = None
    hit = defcache.get(k) if k is not None else None
    if isinstance(hit, MockFile):
        return hit
    from ..load import load_file
    res = load_file(path)
    if res.root is None and res.diagnostics and res.diagnostics[0].code in ("io", "encoding", "too-large"):
        raise MockFileError(path, list(res.diagnostics))
    mf = parse_mocks(res.text, path)
    if k is not None:
        defcache.put_value(k, mf)
    return mf
