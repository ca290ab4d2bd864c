"""The weight card's text after *Step one batch*: the real numbers of one link's or one neuron's update."""
from __future__ import annotations

from playground.components.safe_text import safe_text
from playground.dense.step_numbers import StepNumbers
from playground.i18n import _
from playground.i18n.numbers import format_number

REG_FORMULA = {"l1": "λ·sign(w)", "l2": "λ·w"}


def _n(value: float) -> str:
    return format_number(value, decimals=None if abs(value) >= 1e-3 or value == 0 else 6)


def link_card(numbers: StepNumbers, link: tuple[int, int, int], name: str) -> str:
    """HTML: before, ∂L/∂w = mean(δ·a), the learning rate, the regularization term, the update, after."""
    c = numbers.link(*link)
    reg = ""
    if numbers.regularization != "none" and numbers.reg_rate:
        reg = _(" − η·{formula} ({term})").format(formula=REG_FORMULA[numbers.regularization], term=_n(c["reg_term"]))
    values = dict(link=safe_text(name), n=len(numbers.batch), before=_n(c["before"]), grad=_n(c["grad"]),
                  rate=_n(c["learning_rate"]), reg=reg, update=_n(c["update"]), after=_n(c["after"]),
                  optimizer=numbers.optimizer)
    if numbers.optimizer != "sgd":
        return _("<b>{link}</b>, batch of {n}: w = {before}; ∂L/∂w = mean(δ·a) = {grad}; η = {rate}; "
                 "update ({optimizer}, from this and earlier gradients){reg} = {update}; w → <b>{after}</b>"
                 ).format(**values)
    return _("<b>{link}</b>, batch of {n}: w = {before}; ∂L/∂w = mean(δ·a) = {grad}; η = {rate}; "
             "update = −η·∂L/∂w{reg} = {update}; w → <b>{after}</b>").format(**values)


def neuron_card(numbers: StepNumbers, node: tuple[int, int], name: str) -> str:
    """HTML: the neuron's δ = ∂L/∂z, averaged over the batch (which is also ∂L/∂b)."""
    layer, index = node
    return _("<b>{node}</b>: δ = ∂L/∂z, mean over the batch of {n} = {delta}").format(
        node=safe_text(name), n=len(numbers.batch), delta=_n(float(numbers.mean_delta[layer - 1][index])))
