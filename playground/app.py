"""Entry point for `panel serve playground/app.py`: builds one page shell per session."""
from playground.serve.closed_tabs import quiet_closed_tabs
from playground.shell import AppShell

quiet_closed_tabs()     # a tab closed mid-frame is no error in the server log
AppShell().servable(title="nn-playground")
