"""The one error the spec compiler raises."""


class SpecError(ValueError):
    """An answer the template cannot render; the message is one line naming the culprit."""
