"""Settings a teacher's link holds: a change to them is set back on the server, whatever made it.

Greying out or hiding a widget only changes the browser; a websocket message, an import, a
lesson or a keyboard shortcut can still set the value. `hold` watches the settings
themselves and puts a held one straight back, so the
change never reaches the trainer. Callers that change several settings at once (an
import) ask `held` first and refuse the whole change, rather than have part of it undone.
A held name that is no parameter (`keras`, the Keras import) names an action: `held`
lists it, and the action asks `held` before it runs.
"""
from __future__ import annotations

import weakref
from typing import Callable

import param

from playground.i18n import _

_HELD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # Parameterized -> {name: held value}
_ACTION = object()   # the "value" of a held action


def hold(settings: param.Parameterized, names, refused: Callable[[list[str]], None] | None = None) -> None:
    """Keep `settings`' parameters `names` at their present values; `refused(names)` hears of each change undone.

    Call it before anything else watches `settings`: param runs the watchers of one
    precedence in the order they were added, so the value is back before theirs run.
    """
    names = set(names)
    values = {name: getattr(settings, name) for name in names if name in settings.param}
    # An action is held by name alone: there is no value to put back.
    _HELD.setdefault(settings, {}).update({name: _ACTION for name in names - set(values)}, **values)
    if not values:
        return

    def put_back(*events) -> None:
        kept = _HELD.get(settings, {})
        back = {e.name: kept[e.name] for e in events if e.name in kept and e.new != kept[e.name]}
        if back:
            settings.param.update(**back)
            if refused is not None:
                refused(sorted(back))

    settings.param.watch(put_back, list(values))


def held(settings: param.Parameterized) -> frozenset[str]:
    """The names `hold` keeps on `settings`: its held parameters and held actions."""
    return frozenset(_HELD.get(settings, {}))


def locked_notice(names: list[str]) -> str:
    """The one line a learner sees when a held setting was set back."""
    return _("The teacher's link keeps {names} as it is: the change was undone.").format(names=", ".join(names))
