"""Why a model file is refused: the errors that `preflight` and `loading` raise, with user-facing messages."""
from __future__ import annotations

from playground.i18n import _


class ModelLoadError(ValueError):
    """The file is not a Keras model that can be loaded (message is user-facing)."""


class UnsupportedModelError(ModelLoadError):
    """The model loaded but has layers or settings the views cannot show."""


def unsupported_message(problems: list[str]) -> str:
    """The one-line refusal naming every problem and the layers that are supported."""
    from playground.cnn.kinds import supported_layers

    return _("the explainer cannot show this model: {problems}. Supported layers: {supported}.").format(
        problems="; ".join(problems), supported=supported_layers())
