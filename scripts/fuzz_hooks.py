"""Schemathesis hooks for `npm run fuzz` (scripts/fuzz.ts sets SCHEMATHESIS_HOOKS=fuzz_hooks).

- message/rfc822 bodies (the raw-mail webhook): mails with generated headers and bodies, and junk.
- Twilio webhooks: a generated X-Twilio-Signature is replaced by a real one, as Twilio computes it
  (HMAC-SHA1 over PUBLIC_URL + path and the sorted form parameters, keyed with TWILIO_AUTH_TOKEN),
  so the fuzzer gets past the check to the handlers. A case without the header (schemathesis
  checks that it is refused) stays without it.
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
_HEADER = "X-Twilio-Signature"


def _form_value(v):
    """How the value travels in the form body, or None when it is not a form value at all."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (str, int, float)):
        return str(v)
    return None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if not case.path.startswith("/webhooks/voice/twilio") or not _TOKEN or not isinstance(case.body, dict):
        return
    headers = case.headers or {}
    name = next((k for k in headers if k.lower() == _HEADER.lower()), None)
    if name is None:
        return
    signed = _PUBLIC_URL + case.formatted_path
    for key in sorted(case.body):
        value = case.body[key]
        values = [_form_value(v) for v in (value if isinstance(value, list) else [value])]
        if None in values:
            return  # nested junk: not a form Twilio could send, left with the generated signature
        for v in sorted(set(values)):
            signed += key + v
    digest = hmac.new(_TOKEN.encode(), signed.encode("utf-8", "surrogatepass"), hashlib.sha1).digest()
    headers[name] = base64.b64encode(digest).decode()
    case.headers = headers
