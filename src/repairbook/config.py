"""Settings read from `REPAIRBOOK_*` environment variables (and an optional `.env` file)."""

from __future__ import annotations

import re
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused in production
_ORIGIN = re.compile(
    r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:]+\](:[0-9]{1,5})?"
)


class ConfigurationError(RuntimeError):
    """Settings that would run, but must not: the command line prints it as one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="REPAIRBOOK_", env_file=".env", extra="ignore", frozen=True
    )

    env: Literal["development", "production"] = "development"
    database_url: str | None = Field(
        default=None, description="postgresql+psycopg://…; unset: embedded PostgreSQL"
    )
    redis_url: str | None = Field(default=None, description="redis://…; unset: embedded Redis")
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    data_dir: Path = Path(".repairbook")
    timezone: str = "Europe/Moscow"
    public_url: str = "http://127.0.0.1:8000"
    # Browser origins (scheme://host[:port], comma-separated, or *) whose pages may call the
    # API and open its websocket. Development also allows http://localhost and
    # http://127.0.0.1 on any port, where frontend dev servers run.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "repairbook <noreply@repairbook.local>"
    smtp_timeout_seconds: float = Field(default=15, gt=0)
    # Delivery: a batch is claimed for this long; a worker that dies releases it then.
    mail_lease_seconds: int = Field(default=120, ge=1)
    mail_batch_size: int = Field(default=100, ge=1, le=10_000)
    # A failed attempt waits this long, doubling up to an hour; then the message fails.
    mail_retry_seconds: int = Field(default=30, ge=1)
    mail_max_attempts: int = Field(default=8, ge=1)
    reminder_hour: int = Field(default=10, ge=0, le=23)  # shop time, the day before a visit
    shop_name: str = "Автосервис repairbook"
    shop_address: str = "Москва, ул. Автомобильная, 1"
    shop_phone: str = "+7 495 000-00-00"

    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=30, ge=1)
    # argon2id cost; the defaults follow OWASP's guidance, tests lower them for speed.
    argon2_memory_kib: int = Field(default=19456, ge=1024)
    argon2_rounds: int = Field(default=2, ge=1)
    # Sign-in throttling (see accounts/ratelimit.py): a tight lock per (account, address),
    # and growing delays, never a lock, per account and per address.
    login_failures_per_account_address: int = Field(default=5, ge=1)
    login_failures_per_account: int = Field(default=10, ge=1)
    login_failures_per_address: int = Field(default=20, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1)
    login_delay_max_account_seconds: int = Field(default=60, ge=1)
    login_delay_max_address_seconds: int = Field(default=30, ge=1)

    day_opens_at: time = time(8, 0)
    day_closes_at: time = time(20, 0)
    slot_minutes: int = Field(default=30, ge=5, le=240)
    booking_window_days: int = Field(default=60, ge=1)
    quote_valid_hours: int = Field(default=24, ge=1)

    max_query_depth: int = Field(default=10, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=2000, ge=100)
    # Both default to on in development and off in production.
    introspection: bool | None = None
    graphiql: bool | None = None
    # A request body or websocket message larger than this is refused before it is read.
    max_request_bytes: int = Field(default=100_000, ge=1_000)
    db_pool_size: int = Field(default=10, ge=1)
    # Day boards answered from memory while nothing they show has changed (board_cache.py).
    board_cache: bool = True
    # A persisted documents manifest (hash → document): only its documents are run.
    trusted_documents: Path | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
        for origin in origins:
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin like https://shop.example.com")
        return origins

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @model_validator(mode="after")
    def _sane_day(self) -> Settings:
        if self.day_opens_at >= self.day_closes_at:
            raise ValueError("day_opens_at must be before day_closes_at")
        return self

    @model_validator(mode="after")
    def _lease_covers_sending(self) -> Settings:
        # A worker stops taking messages from a batch when its lease could not cover one
        # more send; a lease shorter than that would never send anything.
        if self.mail_lease_seconds < 4 * self.smtp_timeout_seconds:
            raise ValueError("mail_lease_seconds must be at least 4 × smtp_timeout_seconds")
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def introspection_enabled(self) -> bool:
        return not self.is_production if self.introspection is None else self.introspection

    @property
    def graphiql_enabled(self) -> bool:
        return not self.is_production if self.graphiql is None else self.graphiql

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def check_production_ready(self) -> None:
        """Refuse to run in production with the well-known development secret."""
        if self.is_production and self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
            raise ConfigurationError(
                "REPAIRBOOK_SECRET_KEY is the development default; set a long random secret "
                "before running with REPAIRBOOK_ENV=production"
            )
        if self.is_production and len(self.secret_key.get_secret_value()) < 32:
            raise ConfigurationError(
                "REPAIRBOOK_SECRET_KEY must be at least 32 characters in production"
            )
