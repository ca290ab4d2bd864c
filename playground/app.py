"""Entry point for `panel serve playground/app.py`: builds one page shell per session."""
from playground.shell import AppShell

AppShell().servable(title="nn-playground")
