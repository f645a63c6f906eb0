from typing import Literal

WebhookDisabledReason = Literal["failing", "gone", "manual"]

WEBHOOK_DISABLED_REASON_VALUES: set[WebhookDisabledReason] = {
    "failing",
    "gone",
    "manual",
}


def check_webhook_disabled_reason(value: str) -> WebhookDisabledReason:
    if value in WEBHOOK_DISABLED_REASON_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_DISABLED_REASON_VALUES!r}")
