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
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    BOOKINGS_IN_THE_WAY = "BOOKINGS_IN_THE_WAY"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class RepairbookError(Exception):
    """A failure the caller can act on; its message is meant for people."""

    code: ErrorCode = ErrorCode.INTERNAL_SERVER_ERROR
    default_message = "Something went wrong"

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)

    @property
    def extensions(self) -> dict[str, object]:
        """More for programs than code and field (e.g. RATE_LIMITED's `retryAfter`)."""
        return {}


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

    @property
    def extensions(self) -> dict[str, object]:
        return {} if self.retry_after is None else {"retryAfter": self.retry_after}


class EmailNotVerified(RepairbookError):
    code = ErrorCode.EMAIL_NOT_VERIFIED
    default_message = "Confirm your email address first: follow the link we sent to it"


class LinkRefused(InvalidInput):
    """A mailed link's token that is forged, expired or already used: BAD_USER_INPUT on
    `token`, with `reason` (INVALID, EXPIRED, USED) for programs."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, field="token")
        self.reason = reason

    @property
    def extensions(self) -> dict[str, object]:
        return {"reason": self.reason}


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


class BookingsInTheWay(RepairbookError):
    """A change of working time would leave active bookings outside it: they are listed in
    `extensions.bookings` (id and start, ISO 8601), for staff to move or cancel."""

    code = ErrorCode.BOOKINGS_IN_THE_WAY
    default_message = (
        "Active bookings fall outside the new working time: move or cancel them, "
        "or ask to cancel them with the change"
    )

    def __init__(self, bookings: list[tuple[int, str]]) -> None:
        super().__init__(field="cancelBookings")
        self.bookings = bookings

    @property
    def extensions(self) -> dict[str, object]:
        return {"bookings": [{"id": str(id_), "startsAt": at} for id_, at in self.bookings]}
