"""Error messages in the caller's language: Russian by default, English on request.

The language is English when the request's `Accept-Language` prefers English, or (with no
preference for Russian or English there) when the signed-in user's locale is `en`;
Russian otherwise. Codes never change; only `message` does. Domain errors are written in
English where they are raised; here each is said in Russian: exactly, by pattern for
messages with values in them, or (for one not listed) by its code's Russian message.
Messages about the GraphQL document itself (syntax, validation: for programmers) keep
graphql-core's English words after a Russian lead-in.
"""

from __future__ import annotations

import re

from repairbook.errors import ErrorCode

RU, EN = "ru", "en"

# Every code in both languages: the message when nothing more precise is known.
BY_CODE: dict[ErrorCode, dict[str, str]] = {
    ErrorCode.UNAUTHENTICATED: {RU: "Сначала войдите", EN: "Sign in first"},
    ErrorCode.FORBIDDEN: {RU: "Вам это не разрешено", EN: "You are not allowed to do this"},
    ErrorCode.NOT_FOUND: {RU: "Не найдено", EN: "Not found"},
    ErrorCode.BAD_USER_INPUT: {RU: "Неверное значение", EN: "Invalid input"},
    ErrorCode.NO_CAR: {RU: "Добавьте автомобиль, чтобы записаться", EN: "Add a car before booking"},
    ErrorCode.SLOT_TAKEN: {RU: "Это время уже занято", EN: "This slot is already booked"},
    ErrorCode.SLOT_UNAVAILABLE: {
        RU: "На это время записаться нельзя",
        EN: "This slot cannot be booked",
    },
    ErrorCode.ONE_BOOKING_PER_DAY: {
        RU: "На этот день у вас уже есть запись",
        EN: "There is already an active booking on this day",
    },
    ErrorCode.REPAIR_TYPE_NOT_APPLICABLE: {
        RU: "Эта работа не выполняется для этой модели",
        EN: "This repair type does not apply to the car's model",
    },
    ErrorCode.QUOTE_EXPIRED: {
        RU: "Срок действия расчёта истёк; запросите новый",
        EN: "The quote has expired; request a new one",
    },
    ErrorCode.RATE_LIMITED: {
        RU: "Слишком много попыток; попробуйте позже",
        EN: "Too many attempts; try again later",
    },
    ErrorCode.IDEMPOTENCY_KEY_REUSED: {
        RU: "Этот ключ идемпотентности уже использован для другой записи",
        EN: "This idempotency key was already used for another booking request",
    },
    ErrorCode.INTERNAL_SERVER_ERROR: {
        RU: "Внутренняя ошибка сервера",
        EN: "Internal server error",
    },
}

EXACT: dict[str, str] = {
    "A car with this VIN is already registered": "Автомобиль с этим VIN уже зарегистрирован",
    "A record this booking refers to is gone": "Данные, на которые ссылается запись, удалены",
    "An absolute http(s) URL or a path on this server": "Нужен адрес http(s) или путь на этом сервере",
    "Authorization header must be 'Bearer <accessToken>'": "Заголовок Authorization должен иметь вид 'Bearer <accessToken>'",
    "Cancel this car's upcoming booking before removing it": "Сначала отмените предстоящую запись этого автомобиля",
    "Choose the audience: all clients, some clients, or car models": "Выберите аудиторию: все клиенты, выбранные клиенты или модели автомобилей",
    "Each consumable may be listed once": "Каждый расходник можно указать один раз",
    "Locale must be 'ru' or 'en'": "Язык: 'ru' или 'en'",
    "Must be a number": "Нужно число",
    "Must be greater than zero": "Нужно число больше нуля",
    "No such booking": "Такой записи нет",
    "No such campaign": "Такой рассылки нет",
    "No such car model": "Такой модели нет",
    "No such car": "Такого автомобиля нет",
    "No such message": "Такого письма нет",
    "No such quote for this car and repair type": "Такого расчёта для этого автомобиля и работы нет",
    "No such receptionist": "Такого приёмщика нет",
    "No such repair type": "Такой работы нет",
    "No such user": "Такого пользователя нет",
    "Not a cursor from this list": "Курсор не из этого списка",
    "Not a quote id": "Это не идентификатор расчёта",
    "Not a valid id": "Неверный идентификатор",
    "Only a failed message can be retried": "Повторить можно только неотправленное письмо",
    "Password must differ from the nick and the email": "Пароль не должен совпадать с ником и email",
    "Plate looks like А123ВС77 (region of 2 or 3 digits)": "Госномер выглядит как А123ВС77 (регион из 2 или 3 цифр)",
    "Refresh token is invalid, expired or revoked": "Токен обновления недействителен, истёк или отозван",
    "Sign in first": "Сначала войдите",
    "Subscribe over the websocket at /graphql (graphql-transport-ws)": "Подписывайтесь через websocket на /graphql (graphql-transport-ws)",
    "Subscriptions run over the websocket at /graphql (graphql-transport-ws)": "Подписки работают через websocket на /graphql (graphql-transport-ws)",
    "The account of this token no longer exists": "Учётной записи этого токена больше нет",
    "The current password is wrong": "Текущий пароль неверен",
    "The new password is the current one": "Новый пароль совпадает с текущим",
    "The owner's account no longer exists": "Учётной записи владельца больше нет",
    "The sale date cannot be in the future": "Дата продажи не может быть в будущем",
    "The sale date is too far in the past": "Дата продажи слишком давняя",
    "This booking has already started": "Эта запись уже началась",
    "This booking is already cancelled": "Эта запись уже отменена",
    "This email is already registered": "Этот email уже зарегистрирован",
    "This field is required": "Обязательное поле",
    "This nick is taken": "Этот ник занят",
    "This receptionist takes no bookings": "Этот приёмщик не принимает записи",
    "This slot is in the past": "Это время уже прошло",
    "This unsubscribe link is for an account that no longer exists": "Ссылка для отписки относится к удалённой учётной записи",
    "VIN is 17 characters: digits and Latin letters except I, O and Q": "VIN — 17 символов: цифры и латинские буквы, кроме I, O и Q",
    "Write the campaign's text": "Напишите текст рассылки",
    "Wrong login or password": "Неверный логин или пароль",
    "Your account no longer exists": "Вашей учётной записи больше нет",
    "`to` must be on or after `from`, at most 31 days later": "`to` должно быть не раньше `from` и не позже чем через 31 день",
    "`to` must be on or after `from`, at most a year later": "`to` должно быть не раньше `from` и не позже чем через год",
    "idempotencyKey is 1 to 100 characters": "idempotencyKey — от 1 до 100 символов",
    "startsAt needs a UTC offset, e.g. 2027-03-01T10:00:00+03:00": "В startsAt нужен сдвиг от UTC, например 2027-03-01T10:00:00+03:00",
    "СТС number looks like 99 99 999999 or 99 АА 999999": "Номер СТС выглядит как 99 99 999999 или 99 АА 999999",
    "Control characters and broken Unicode are not accepted": "Управляющие символы и испорченный Unicode не принимаются",
    "The document has several operations: say which (operationName)": "В документе несколько операций: укажите нужную (operationName)",
}

_UNITS = {"second": "с", "seconds": "с", "minute": "мин", "minutes": "мин"}
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"At most ([\d,]+) chosen at once"), r"Не больше \1 за раз"),
    (re.compile(r"At most ([\d,]+) characters"), r"Не больше \1 символов"),
    (re.compile(r"At most (\d+) decimal places"), r"Не больше \1 знаков после запятой"),
    (re.compile(r"Bookings open (\d+) days ahead"), r"Запись открыта на \1 дней вперёд"),
    (re.compile(r"Invalid email address: .*", re.DOTALL), "Неверный адрес email"),
    (re.compile(r"Mileage is 0 to ([\d,]+) km"), r"Пробег — от 0 до \1 км"),
    (re.compile(r"Must be less than (.+)"), r"Нужно число меньше \1"),
    (re.compile(r"No car model with id (\d+)"), r"Нет модели с id \1"),
    (re.compile(r"No client with id (\d+)"), r"Нет клиента с id \1"),
    (re.compile(r"No consumable with id (\d+)"), r"Нет расходника с id \1"),
    (re.compile(r"No user with nick (.+)"), r"Нет пользователя с ником \1"),
    (re.compile(r"The shop is closed on (.+)"), r"\1 сервис не работает"),
    (re.compile(r"first must be 1 to (\d+)"), r"first — от 1 до \1"),
    (
        re.compile(r"Nick must be 3 to 32 characters.*"),
        "Ник — от 3 до 32 символов: латинские буквы, цифры, '_', '.', '-'",
    ),
    (re.compile(r"Password must be (\d+) to (\d+) characters"), r"Пароль — от \1 до \2 символов"),
    (
        re.compile(r"Slots start every (\d+) minutes from (\S+) to the last one ending at (\S+)"),
        r"Записи начинаются каждые \1 минут с \2, последняя заканчивается в \3",
    ),
    (
        re.compile(r"Watch a day from today to (\d+) days ahead"),
        r"Следить можно за днями от сегодня до \1 дней вперёд",
    ),
    (
        re.compile(r"`to` must be on or after `from`, at most (\d+) days in all"),
        r"`to` должно быть не раньше `from`, всего не больше \1 дней",
    ),
    (re.compile(r"(.+) is not done on (.+)"), r"«\1» не выполняется для \2"),
    (re.compile(r"The campaign is (\w+) already"), r"Рассылка уже в состоянии \1"),
    (re.compile(r"The request is larger than ([\d,]+) bytes"), r"Запрос больше \1 байт"),
]
_WAIT = re.compile(r"Too many failed sign-in attempts; try again in (\d+) (\w+)")
DOCUMENT = "Запрос составлен неверно: "


def pick(accept_language: str | None, locale: str | None) -> str:
    """`ru` or `en`: Accept-Language's first preference between them, else the user's
    locale, else Russian."""
    best: tuple[float, str] | None = None
    for item in (accept_language or "").split(","):
        tag, *params = (part.strip() for part in item.split(";"))
        primary = tag.lower().split("-")[0]
        if primary not in (RU, EN):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, primary)
    if best is not None:
        return best[1]
    return EN if locale == EN else RU


def say(message: str, code: ErrorCode, language: str) -> str:
    """A domain error's message in `language` (messages are written in English)."""
    if language == EN:
        return message
    if message in EXACT:
        return EXACT[message]
    if found := _WAIT.fullmatch(message):
        return f"Слишком много неудачных попыток входа; попробуйте через {found.group(1)} {_UNITS.get(found.group(2), found.group(2))}"
    for pattern, replacement in PATTERNS:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message)
    return BY_CODE[code][RU]  # a message not listed: what its code says


def about_the_document(message: str, language: str) -> str:
    """graphql-core's words about a malformed document, led in in Russian."""
    return message if language == EN else DOCUMENT + message


def internal(request_id: str, language: str) -> str:
    if language == EN:
        return f"Internal server error; quote request id {request_id} when reporting it"
    return f"Внутренняя ошибка сервера; сообщая о ней, назовите код запроса {request_id}"
