"""E-mail backends for the delivery tests: slow enough for workers to overlap, and one that
records to a file so a separate (killed) process's sends can be counted."""

import os
import time

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


def _delay() -> float:
    return float(os.environ.get("TEST_EMAIL_DELAY", "0.02"))


class SlowLocmemBackend(BaseEmailBackend):
    """Like the locmem backend, with a pause per message."""

    def send_messages(self, messages):
        for message in messages:
            time.sleep(_delay())
            mail.outbox.append(message)
        return len(messages)


class SlowFileBackend(BaseEmailBackend):
    """Appends the Message-ID of each message to TEST_EMAIL_FILE after a pause; notes in
    TEST_EMAIL_SENDING_FILE (if set) each message it starts sending."""

    def send_messages(self, messages):
        for message in messages:
            sending = os.environ.get("TEST_EMAIL_SENDING_FILE")
            if sending:
                with open(sending, "a", encoding="utf-8") as started:
                    started.write(message.extra_headers["Message-ID"] + "\n")
            time.sleep(_delay())
            with open(os.environ["TEST_EMAIL_FILE"], "a", encoding="utf-8") as sent:
                sent.write(message.extra_headers["Message-ID"] + "\n")
                sent.flush()
                os.fsync(sent.fileno())
        return len(messages)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class QuitFailsBackend(BaseEmailBackend):
    """The server takes the message, then the goodbye fails (as smtplib's QUIT can)."""

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        return len(messages)

    def close(self):
        raise ConnectionResetError("connection reset during QUIT")
