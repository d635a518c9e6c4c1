"""Expected failures as typed exceptions carrying a public code.

Nothing here knows about GraphQL: `schema/errors.py` maps these to `extensions.code`.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NO_CAR = "NO_CAR"
    SLOT_TAKEN = "SLOT_TAKEN"
    SLOT_UNAVAILABLE = "SLOT_UNAVAILABLE"
    ONE_BOOKING_PER_DAY = "ONE_BOOKING_PER_DAY"
    REPAIR_TYPE_NOT_APPLICABLE = "REPAIR_TYPE_NOT_APPLICABLE"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    RATE_LIMITED = "RATE_LIMITED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class RepairbookError(Exception):
    """A failure the caller can act on; its message is meant for people."""

    code: ErrorCode = ErrorCode.INTERNAL_SERVER_ERROR
    default_message = "Something went wrong"

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class Unauthenticated(RepairbookError):
    code = ErrorCode.UNAUTHENTICATED
    default_message = "Sign in first"


class Forbidden(RepairbookError):
    code = ErrorCode.FORBIDDEN
    default_message = "You are not allowed to do this"


class NotFound(RepairbookError):
    code = ErrorCode.NOT_FOUND
    default_message = "Not found"


class InvalidInput(RepairbookError):
    code = ErrorCode.BAD_USER_INPUT
    default_message = "Invalid input"


class RateLimited(RepairbookError):
    code = ErrorCode.RATE_LIMITED
    default_message = "Too many attempts; try again later"

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds, told to the caller as extensions.retryAfter


class NoCar(RepairbookError):
    code = ErrorCode.NO_CAR
    default_message = "Add a car before booking"


class SlotTaken(RepairbookError):
    code = ErrorCode.SLOT_TAKEN
    default_message = "This slot is already booked"


class SlotUnavailable(RepairbookError):
    code = ErrorCode.SLOT_UNAVAILABLE
    default_message = "This slot cannot be booked"


class OneBookingPerDay(RepairbookError):
    code = ErrorCode.ONE_BOOKING_PER_DAY
    default_message = "There is already an active booking on this day"


class RepairTypeNotApplicable(RepairbookError):
    code = ErrorCode.REPAIR_TYPE_NOT_APPLICABLE
    default_message = "This repair type does not apply to the car's model"


class QuoteExpired(RepairbookError):
    code = ErrorCode.QUOTE_EXPIRED
    default_message = "The quote has expired; request a new one"


class IdempotencyKeyReused(RepairbookError):
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    default_message = "This idempotency key was already used for another booking request"
