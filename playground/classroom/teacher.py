"""Entry point of `/teacher` (`playground serve` serves it beside playground/app.py): the class wall."""
from playground.classroom.wall import teacher_page

teacher_page().servable(title="nn-playground · class")
