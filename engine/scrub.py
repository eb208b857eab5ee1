"""Credentials out of everything flowdbg prints or saves.

One function, :func:`scrub`, applied where outside answers enter (the door, for
every backend's response; the callback endpoint, for every report) and where
messages leave (the CLI's errors and crash log), so the journal, the history,
``--json``, the TUI and error lines never hold a credential:

* every secret flowdbg itself holds, once :func:`register`\\ ed (the live
  backend's AccessKey secret, ID and STS token, the callback endpoint's secret,
  each request's signature);
* ``user:password@`` in URLs (``https://u:p@host`` -> ``https://***@host``);
* values of credential headers quoted in text or JSON (``Authorization``,
  ``Proxy-Authorization``, ``Cookie``, ``x-acs-security-token``,
  ``x-flowdbg-secret``, ...), as a payload that echoes its request's headers has.

Other data is left alone: a function's own ``password`` field is the flow's
data, not flowdbg's credential.
"""
from __future__ import annotations

import re
import threading
from typing import Any

MASK = "***"
MIN_SECRET = 6  # shorter strings would mask ordinary words

_secrets: set[str] = set()
_known: tuple[str, ...] = ()  # _secrets, longest first (a secret inside another is masked after it)
_lock = threading.Lock()

_HEADERS = ("authorization", "proxy-authorization", "cookie", "set-cookie", "x-acs-security-token",
            "x-fc-security-token", "x-acs-signature", "x-flowdbg-secret", "x-api-key", "security-token",
            "securitytoken", "security_token", "accesskeysecret", "access_key_secret", "x-acs-accesskey-secret")
_HEADER_KEYS = frozenset(_HEADERS)
# `Authorization: ACS3-HMAC-SHA256 Credential=...`, `"authorization": "..."`, `x-flowdbg-secret=...`
_HEADER_TEXT = re.compile(
    r"(?i)(?<![\w-])(" + "|".join(re.escape(h) for h in _HEADERS) + r")(\\?[\"']?\s*[:=]\s*\\?[\"']?)"
    r"([^\"'\\\r\n}&]+)")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s@\"']+)@")


def register(*secrets: str | None) -> None:
    """Remember secrets flowdbg holds so that :func:`scrub` masks them anywhere."""
    global _known
    with _lock:
        for s in secrets:
            if isinstance(s, str) and len(s) >= MIN_SECRET:
                _secrets.add(s)
        _known = tuple(sorted(_secrets, key=len, reverse=True))


def scrub_text(text: str, extra: tuple[str, ...] = ()) -> str:
    if not text:
        return text
    known = _known
    if extra:
        known = tuple(sorted(set(known).union(s for s in extra if s and len(s) >= MIN_SECRET), key=len, reverse=True))
    for s in known:
        if s in text:
            text = text.replace(s, MASK)
    if "@" in text:
        text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    if _maybe_header(text):
        text = _HEADER_TEXT.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    return text


def _maybe_header(text: str) -> bool:
    low = text.lower()
    return any(h in low for h in ("authorization", "cookie", "token", "secret", "x-api-key"))


def scrub(value: Any, extra: tuple[str, ...] = ()) -> Any:
    """``value`` (text, bytes or a JSON value) with credentials masked; the
    same object when there was nothing to mask."""
    if isinstance(value, str):
        return scrub_text(value, extra)
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            out = value
            for s in (*_known, *extra):
                if s and len(s) >= MIN_SECRET:
                    out = out.replace(s.encode(), MASK.encode())
            return out
        clean = scrub_text(text, extra)
        return value if clean == text else clean.encode("utf-8")
    if isinstance(value, dict):
        out = {}
        changed = False
        for k, v in value.items():
            nv = MASK if (isinstance(k, str) and k.lower() in _HEADER_KEYS and isinstance(v, str)) else scrub(v, extra)
            nk = scrub_text(k, extra) if isinstance(k, str) else k
            changed = changed or nv is not v or nk != k
            out[nk] = nv
        return out if changed else value
    if isinstance(value, list):
        items = [scrub(v, extra) for v in value]
        return items if any(a is not b for a, b in zip(items, value)) else value
    return value


__all__ = ["scrub", "scrub_text", "register", "MASK"]
