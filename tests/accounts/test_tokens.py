"""Access tokens: only ones we signed with HS256, unaltered and unexpired, are accepted."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from jose import jwt

from repairbook.accounts import tokens
from repairbook.errors import Unauthenticated

SECRET = "s" * 40
NOW = datetime.now(UTC)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _valid() -> str:
    return tokens.issue_access_token(42, secret=SECRET, now=NOW, ttl=timedelta(minutes=5))


def test_round_trip() -> None:
    assert tokens.decode_access_token(_valid(), secret=SECRET) == 42


def test_alg_none_is_refused() -> None:
    _header, payload, _ = _valid().split(".")
    forged = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    with pytest.raises(Unauthenticated):
        tokens.decode_access_token(forged, secret=SECRET)


def test_wrong_key_is_refused() -> None:
    other = tokens.issue_access_token(42, secret="x" * 40, now=NOW, ttl=timedelta(minutes=5))
    with pytest.raises(Unauthenticated):
        tokens.decode_access_token(other, secret=SECRET)


def test_tampered_payload_is_refused() -> None:
    header, payload, signature = _valid().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "1"  # become another user, keep the old signature
    with pytest.raises(Unauthenticated):
        tokens.decode_access_token(f"{header}.{_b64(claims)}.{signature}", secret=SECRET)


def test_other_algorithm_is_refused() -> None:
    hs512 = jwt.encode(
        {"sub": "42", "typ": "access", "exp": NOW + timedelta(minutes=5)}, SECRET, algorithm="HS512"
    )
    with pytest.raises(Unauthenticated):
        tokens.decode_access_token(hs512, secret=SECRET)


def test_expired_is_refused_and_says_so() -> None:
    old = tokens.issue_access_token(
        42, secret=SECRET, now=NOW - timedelta(hours=1), ttl=timedelta(minutes=5)
    )
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.decode_access_token(old, secret=SECRET)


def test_token_of_another_kind_is_refused() -> None:
    refresh_like = jwt.encode(
        {"sub": "42", "typ": "refresh", "exp": NOW + timedelta(minutes=5)},
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(Unauthenticated):
        tokens.decode_access_token(refresh_like, secret=SECRET)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(Unauthenticated):
        tokens.decode_access_token(garbage, secret=SECRET)


def test_refresh_tokens_are_stored_as_digests() -> None:
    token = tokens.new_refresh_token()
    assert len(token) >= 40
    assert tokens.hash_refresh_token(token) != token
    assert tokens.hash_refresh_token(token) == tokens.hash_refresh_token(token)
