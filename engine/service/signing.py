"""RPC request signatures (Alibaba Cloud signature version 1.0, HMAC-SHA1).

The SDK signs every parameter it sends, query and form body alike, except
``Signature`` itself: ``HMAC-SHA1(secret + "&", "POST&%2F&" +
percent-encode(canonicalized query))``, base64. We compute the expected value
with Alibaba's own helper (alibabacloud_openapi_util) rather than our own copy
of the algorithm, and compare in constant time.
"""
from __future__ import annotations

import datetime
import hmac

from .errors import ApiError, missing

MAX_SKEW = datetime.timedelta(minutes=15)


def expected_signature(params: dict[str, str], method: str, secret: str) -> str:
    from alibabacloud_openapi_util.client import Client as OpenApiUtil
    signed = {k: v for k, v in params.items() if k != "Signature"}
    return OpenApiUtil.get_rpcsignature(signed, method, secret)


class Verifier:
    """Checks requests against one access key pair; ``None`` accepts any key
    (the default: the SDK must sign, but any key will do)."""

    def __init__(self, access_key_id: str, secret: str, now=None):
        self.access_key_id, self.secret = access_key_id, secret
        self._now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._nonces: dict[str, datetime.datetime] = {}

    def check(self, params: dict[str, str], method: str) -> None:
        """Raises :class:`ApiError` when the request is not signed by our key."""
        for p in ("AccessKeyId", "Signature", "SignatureNonce", "Timestamp"):
            if not params.get(p):
                raise missing(p)
        if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1" or params.get("SignatureVersion", "1.0") != "1.0":
            raise ApiError(400, "InvalidArgument", "only SignatureMethod HMAC-SHA1, SignatureVersion 1.0 are supported")
        if params["AccessKeyId"] != self.access_key_id:
            raise ApiError(403, "InvalidAccessKeyID", f"The AccessKey ID {params['AccessKeyId']} is invalid.")
        want = expected_signature(params, method, self.secret)
        if not hmac.compare_digest(want.encode(), params["Signature"].encode()):
            raise ApiError(403, "SignatureNotMatch", "The request signature we calculated does not match the "
                                                     "signature you provided. Check your key and signing method.")
        try:
            ts = datetime.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            raise ApiError(400, "InvalidArgument", f"Timestamp {params['Timestamp']!r} is not yyyy-MM-ddTHH:mm:ssZ (UTC)")
        now = self._now()
        if abs(now - ts) > MAX_SKEW:
            raise ApiError(403, "RequestTimeTooSkewed", "The difference between the request time and the server's "
                                                        "time is too large (more than 15 minutes).")
        # A nonce may be used once within the window in which its timestamp is valid.
        for n, seen in list(self._nonces.items()):
            if now - seen > MAX_SKEW:
                del self._nonces[n]
        nonce = params["SignatureNonce"]
        if nonce in self._nonces:
            raise ApiError(400, "SignatureNonceUsed", f"The request signature nonce {nonce} has been used.")
        self._nonces[nonce] = now
