"""Schemathesis hooks for `npm run fuzz` (scripts/fuzz.ts sets SCHEMATHESIS_HOOKS=fuzz_hooks).

- message/rfc822 bodies (the raw-mail webhook): mails with generated headers and bodies, and junk.
- Twilio webhooks: each request is signed like Twilio signs it (HMAC-SHA1 over PUBLIC_URL + path and
  the sorted form parameters, keyed with TWILIO_AUTH_TOKEN), so the fuzzer gets past the signature
  check and reaches the handlers; the check itself is covered by the integration tests.
"""
import base64
import hashlib
import hmac
import os

import schemathesis
from hypothesis import strategies as st

_printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
_text = st.text(max_size=400)


def _mail(sender, subject, body, extra):
    head = f"From: {sender}\r\nTo: support@demo.local\r\nSubject: {subject}\r\n{extra}\r\n"
    return (head + body).encode("utf-8", "surrogatepass")


_mails = st.builds(
    _mail,
    st.one_of(st.emails().map(str), _printable),
    _printable,
    _text,
    st.sampled_from(["", "Message-ID: <fuzz@example.com>\r\n", "Content-Type: text/html; charset=utf-8\r\n", "In-Reply-To: <x@y>\r\n"]),
)
schemathesis.openapi.media_type("message/rfc822", st.one_of(_mails, st.binary(max_size=300)))

_TOKEN = os.environ.get("FUZZ_TWILIO_TOKEN", "")
_PUBLIC_URL = os.environ.get("FUZZ_PUBLIC_URL", "")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if not case.path.startswith("/webhooks/voice/twilio") or not _TOKEN:
        return
    params = case.body if isinstance(case.body, dict) else {}
    signed = _PUBLIC_URL + case.formatted_path
    for key in sorted(params):
        value = params[key]
        for v in sorted(value) if isinstance(value, list) else [value]:
            signed += key + ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v))
    digest = hmac.new(_TOKEN.encode(), signed.encode("utf-8", "surrogatepass"), hashlib.sha1).digest()
    if case.headers is None:
        case.headers = {}
    case.headers["X-Twilio-Signature"] = base64.b64encode(digest).decode()
