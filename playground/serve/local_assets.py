"""Panel's own stylesheets from this server, also in a session that no page render set up.

With `--num-procs 2` a browser's page request and its websocket can reach two
different server processes. The second builds the session afresh from the
websocket, and Panel, which learns where its files are only while it renders the
HTML page (`server_html_page_for_session` sets the document's ``dist_url``),
points that session's stylesheets at cdn.holoviz.org: without internet the page
loses its styling. Setting the same local path before the session's models are
built keeps every session on this server's files.
"""
from __future__ import annotations

import panel as pn
from panel.io.resources import LOCAL_DIST


def keep_assets_local() -> None:
    """Point this session's Panel stylesheets at the server (call before the session's page is built)."""
    rel_path = pn.state.rel_path
    # `_template_variables` is where Panel itself keeps it (panel/io/server.py); there is no public setter.
    pn.state.curdoc._template_variables.setdefault("dist_url", f"{rel_path}/{LOCAL_DIST}" if rel_path else LOCAL_DIST)
