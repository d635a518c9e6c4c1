"""The dev mail sink prints one line per message, so a `dev` user sees the links."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest

from repairbook.embedded import MailSink


def test_each_message_prints_one_line_with_recipient_subject_and_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    message = EmailMessage()
    message["From"] = "shop@example.com"
    message["To"] = "ivan@example.com"
    message["Subject"] = "Подтвердите адрес"
    message.set_content(
        "Откройте ссылку: http://127.0.0.1:8000/verify?token=abc-123\n"
        "Ещё раз: http://127.0.0.1:8000/verify?token=abc-123\n"
        "Сайт: https://shop.example.com/\n"
    )
    message.add_alternative('<a href="http://html-only.example.com/">html</a>', subtype="html")
    sink = MailSink(tmp_path / "mail").start()
    try:
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            smtp.send_message(message)
    finally:
        sink.stop()

    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "mail to ivan@example.com: Подтвердите адрес "
        "http://127.0.0.1:8000/verify?token=abc-123 https://shop.example.com/"
    ]
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
