"""HTTP for the fetchers: httpx with timeouts, and tenacity retries where a retry can help.

Retried: HTTP 408, 429 and 5xx but 501 and 505 (`retryable`; waiting what `Retry-After`
says, and at least the back-off of 1, 2, 4 … s: a Retry-After of 0 or of a past date made
five attempts in a few milliseconds; one longer than MAX_WAIT_S gives up at once, saying
when to ask again: helper-111),
failures to connect, time-outs, and a connection closed before any answer (a stale
kept-alive connection). Not retried: any other 4xx (the request or the key is wrong: asking
again gives the same answer) and a body cut off mid-way (a half answer is reported, not
papered over). Every failure is a `FetchError` that says what was asked and what came back:
the status, the content type and the start of the body, which is where a service says why
(a rate limit, a period not published, an HTML error page).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

# RFC 9110: on 408 (Request Timeout) "the client MAY repeat that request" (15.5.9); 429
# (RFC 6585) and 503 may say when (Retry-After); any other 5xx is the server's error, which
# may pass, except 501 (the method is not implemented) and 505 (the HTTP version is not
# supported), which give the same answer again. Only 500, 502, 503 and 504 were retried
# before: a 408, or a gateway's 520-524, failed the fetch at once.
NOT_RETRIED_5XX = {501, 505}
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# One attempt in all, from sending the request to the body's last byte. httpx's timeouts are
# each per operation (a connect, one read, one write: httpx's "Timeouts" documentation), so
# an answer that trickles in, a byte within every minute, was never timed out, and the
# extract run waited as long as the server kept sending. Timed out, it is retried as a
# time-out is.
ATTEMPT_DEADLINE_S = 300.0
ATTEMPTS = 5
MAX_WAIT_S = 60.0


def retryable(status: int) -> bool:
    """Whether an answer with this status may be asked for again."""
    return status in (408, 429) or (500 <= status <= 599 and status not in NOT_RETRIED_5XX)


class FetchError(RuntimeError):
    """A fetch failed; nothing was written to landing."""


class NotPublished(FetchError):
    """The period asked is not (yet) among the table's published ones: a yearly table asked
    for this year, a month asked before its release. The monthly extract asks again next
    month; it is said, not failed, where the period was the default one."""


class KeyRefused(FetchError):
    """The service answered 401/403: the API key is missing, wrong or expired."""


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, moment.timestamp() - time.time())


_backoff = wait_exponential(multiplier=1, min=1, max=30)


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Retryable) and error.retry_after is not None:
        return max(min(error.retry_after, MAX_WAIT_S), _backoff(state))
    return _backoff(state)


def describe(request: httpx.Request) -> str:
    """The request without its secrets: method and URL (the key travels in a header), and for
    a StatBank data request, whose URL is the same for every table, its table and periods."""
    said = f"{request.method} {request.url}"
    if request.method == "POST" and request.content:
        try:
            body = json.loads(request.content)
        except ValueError:
            return said
        if isinstance(body, dict) and isinstance(body.get("table"), str):
            times = [
                v
                for variable in body.get("variables") or []
                if isinstance(variable, dict) and str(variable.get("code", "")).lower() == "tid"
                for v in variable.get("values") or []
            ]
            span = f", periods {times[0]}..{times[-1]}" if times else ""
            said += f" (table {body['table']}{span})"
    return said


BODY_SHOWN = 300  # characters of a response body quoted in an error


def received(response: httpx.Response) -> dict:
    """What an answer was as it came, for the sidecar: a file written from it is re-serialised,
    so its SHA-256 is not the answer's."""
    return {
        "sha256": hashlib.sha256(response.content).hexdigest(),
        "bytes": len(response.content),
        "content_type": response.headers.get("Content-Type"),
    }


def what_came(response: httpx.Response) -> str:
    """What came back, for an error: status, content type and the body's start."""
    kind = response.headers.get("Content-Type") or "no content type"
    text = response.content[:BODY_SHOWN].decode("utf-8", errors="replace")
    return f"HTTP {response.status_code}, {kind}, {len(response.content)} bytes: {text!r}"


def _read_within(client: httpx.Client, request: httpx.Request, deadline: float) -> httpx.Response:
    """The answer to `request` with its whole body read, or httpx.ReadTimeout once `deadline`
    seconds have passed since it was sent, however steadily the body comes."""
    started = time.monotonic()
    streamed = client.send(request, stream=True)
    try:
        raw = bytearray()
        for chunk in streamed.iter_raw():
            raw += chunk
            if time.monotonic() - started > deadline:
                raise httpx.ReadTimeout(
                    f"the answer took longer than {deadline:.0f} s in all, {len(raw)} bytes so far",
                    request=request,
                )
    finally:
        streamed.close()
    # the body as it came, decoded by its Content-Encoding as a read response is
    return httpx.Response(
        streamed.status_code, headers=streamed.headers, content=bytes(raw), request=request
    )


def send(
    client: httpx.Client,
    request: httpx.Request,
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[str], None] | None = None,
    key_hint: str | None = None,
    deadline: float = ATTEMPT_DEADLINE_S,
) -> httpx.Response:
    """Send `request`, retrying as the module says; the response has its whole body read.
    `key_hint`: what to do about a refused key, for a service that takes one (a 401 or 403 is
    then a `KeyRefused`); a service without a key refuses the request, not a key. `deadline`:
    seconds one attempt may take in all."""

    def once() -> httpx.Response:
        try:
            response = _read_within(client, request, deadline)
        except httpx.RemoteProtocolError as e:
            if "without sending a response" in str(e):  # closed before answering: ask again
                raise _Retryable(f"{type(e).__name__}: {e}") from e
            raise FetchError(
                f"{describe(request)}: the response was cut off before its end ({e}); "
                "nothing was written"
            ) from e
        except (httpx.TimeoutException, httpx.ConnectError, httpx.ReadError) as e:
            raise _Retryable(f"{type(e).__name__}: {e}") from e
        except httpx.LocalProtocolError as e:  # a header no request can carry: not quoted,
            # as it may be the key's (helper-111)
            raise FetchError(
                f"{describe(request)}: a request header cannot be sent ({type(e).__name__}; "
                "a key with a line break or a character outside ASCII?); nothing was written"
            ) from None
        except httpx.HTTPError as e:  # a bad encoding, a redirect loop, a proxy, a bad URL
            raise FetchError(
                f"{describe(request)}: {type(e).__name__}: {e}; nothing was written"
            ) from e
        if retryable(response.status_code):
            retry_after = _retry_after(response)
            if retry_after is not None and retry_after > MAX_WAIT_S:
                raise FetchError(
                    f"{describe(request)}: {what_came(response)}: the service asks to wait "
                    f"{retry_after:.0f} s (Retry-After), longer than a fetch waits "
                    f"({MAX_WAIT_S:.0f} s); ask again later; nothing was written"
                )
            raise _Retryable(what_came(response), retry_after)
        if response.status_code in (401, 403) and key_hint:
            raise KeyRefused(
                f"{describe(request)}: {what_came(response)}: the service refused the key "
                f"({key_hint}); nothing was written"
            )
        if response.status_code >= 400:
            raise FetchError(f"{describe(request)}: {what_came(response)}; nothing was written")
        return response

    def log(state: RetryCallState) -> None:
        if on_retry:
            error = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0
            on_retry(
                f"{describe(request)}: {error}; attempt {state.attempt_number} of "
                f"{attempts}, retrying in {wait:.0f} s"
            )

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=_wait,
        retry=retry_if_exception_type(_Retryable),
        sleep=sleep,
        before_sleep=log,
        reraise=True,
    )
    try:
        return retrying(once)
    except _Retryable as e:
        raise FetchError(
            f"{describe(request)}: gave up after {attempts} attempts, the last: {e}; "
            "nothing was written"
        ) from e


def json_body(request: httpx.Request, response: httpx.Response):
    """The JSON body, or a FetchError that says it is not complete JSON."""
    try:
        return json.loads(response.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FetchError(
            f"{describe(request)}: the response is not complete JSON ({e}; "
            f"{what_came(response)}: an error page, or cut off?); nothing was written"
        ) from e


def client(base_url: str, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        headers={"User-Agent": "bkwh (Ballerup Kommune jobcenter)", **(headers or {})},
        timeout=TIMEOUT,
        follow_redirects=True,
    )
