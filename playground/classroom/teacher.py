"""Entry point of `/teacher` (`playground serve` serves it beside playground/app.py): the class wall."""
from playground.classroom.wall import teacher_page
from playground.serve.local_assets import keep_assets_local

keep_assets_local()     # Panel's stylesheets come from this server, whichever process built the session

teacher_page().servable(title="nn-playground · class")
