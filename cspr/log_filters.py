import logging
import re

# /deadlines/feed/<token>.ics: the token is the only credential a calendar feed has.
FEED_TOKEN = re.compile(r"(/deadlines/feed/)[^/\s.?\"]+")


def mask_secrets(text: str) -> str:
    return FEED_TOKEN.sub(r"\1[hidden]", text)


class MaskSecretsFilter(logging.Filter):
    """Rewrites a record's message so no calendar-feed token reaches a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
