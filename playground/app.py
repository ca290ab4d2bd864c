"""Entry point for `panel serve playground/app.py`: builds one page shell per session."""
from threadpoolctl import threadpool_limits

from playground.cnn import warmup
from playground.serve.closed_tabs import quiet_closed_tabs
from playground.serve.references import cheap_references
from playground.serve.websocket import send_promptly
from playground.serve.write_queue import send_queued_patches
from playground.shell import AppShell

# The server's numpy work is many small matrices (a frame's 10,000-point forward pass,
# minibatches of 10): a multi-threaded BLAS only adds hand-offs there, 0.2 ms becoming
# tens of ms on a busy machine, and sessions already run in parallel. One thread each.
threadpool_limits(1, user_api="blas")
quiet_closed_tabs()     # a tab closed mid-frame is no error in the server log
send_promptly()         # a frame's websocket messages go at once, not 40 ms apart
cheap_references()      # a patch costs the models it changes, not all the page's models
send_queued_patches()   # a patch queued while a write was in flight is sent, not left for the next
# Once a first page is on screen, the CNN page gets ready in the background (once per server).
AppShell(on_first_page=warmup.start).servable(title="nn-playground")
