"""Django ValidationErrors as one line a person can read."""

from django.core.exceptions import ValidationError


def summarise(error: ValidationError) -> str:
    """'field: message message; other: message', or the messages alone when no field is named."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items())
    return " ".join(error.messages)
