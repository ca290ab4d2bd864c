"""An upload box whose browser refuses a file over the limit before a byte of it is sent.

Panel's FileInput (Bokeh's) reads the whole chosen file and sends it, base64, in one websocket
message: a file over the websocket's limit closed the connection and left a dead page, and one
under it still crossed the network and sat in the server's memory before the page could say no.
Panel 1.9's FileInput has no size limit (its FileDropper has, but brings another look and a
dictionary of files), so this wraps the FileInput: a capture listener on the input's shadow root
sees the `change` event before Bokeh's own listener on the input, and for a file over
`max_bytes` it stops the event, clears the choice and shows one line under the box. Nothing
reaches the server. The server's own checks stay: a forged message skips the browser.
"""
from __future__ import annotations

import panel as pn
import param
from panel.custom import Child, JSComponent

from playground.i18n import N_, _, current_language
from playground.theme import UPLOAD_REFUSED_CSS

TOO_LARGE = N_("{name} is {size} MB, more than the {most} MB this box takes: it was not sent.")


class SizeCheckedUpload(JSComponent):
    """`upload` (a FileInput) with a browser-side size check; the server never sees a file over `max_bytes`."""

    upload = Child(class_=pn.widgets.FileInput, doc="the FileInput whose files are checked")
    max_bytes = param.Integer(default=1_000_000, bounds=(1, None), doc="the largest file the browser sends")
    too_large = param.String(default="", doc="the refusal; the browser fills in {name}, {size} and {most}")
    language = param.String(default="en", doc="the session's language, for the numbers in the refusal")

    _esm = """
    export function render({ model, el }) {
      const box = model.get_child("upload");
      const line = document.createElement("div");
      line.className = "nn-upload-refused";
      line.setAttribute("role", "alert");
      line.hidden = true;
      el.append(box, line);
      const mb = (bytes) => (bytes / 1e6).toLocaleString(model.language, { maximumFractionDigits: 1 });
      // Capture on the input's shadow root runs before Bokeh's listener on the input itself.
      const guard = (event) => {
        const input = event.target;
        if (!input || input.type !== "file") return;
        const big = Array.from(input.files || []).find((file) => file.size > model.max_bytes);
        if (big === undefined) { line.hidden = true; return; }
        event.stopImmediatePropagation();
        input.value = "";
        // textContent: the file's name stays text, whatever it holds.
        const values = { name: big.name, size: mb(big.size), most: mb(model.max_bytes) };
        line.textContent = model.too_large.replace(/[{](name|size|most)[}]/g, (_whole, key) => values[key]);
        line.hidden = false;
      };
      const root = box.shadowRoot;
      if (root.nnSizeGuard) root.removeEventListener("change", root.nnSizeGuard, true);
      root.nnSizeGuard = guard;
      root.addEventListener("change", guard, true);
    }
    """

    def __init__(self, upload: pn.widgets.FileInput, max_bytes: int, **params):
        params.setdefault("sizing_mode", upload.sizing_mode)
        params.setdefault("margin", 0)
        super().__init__(upload=upload, max_bytes=max_bytes, too_large=_(TOO_LARGE), language=current_language(),
                         stylesheets=[UPLOAD_REFUSED_CSS, *params.pop("stylesheets", [])], **params)
