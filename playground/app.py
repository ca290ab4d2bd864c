"""Entry point for `panel serve playground/app.py`: builds one page shell per session."""
from threadpoolctl import threadpool_limits

from playground.cnn import warmup
from playground.serve.closed_tabs import quiet_closed_tabs
from playground.serve.local_assets import keep_assets_local
from playground.serve.query_limits import guard_query_parsing
from playground.serve.references import cheap_references
from playground.serve.viewport import fit_phones
from playground.serve.upload_limits import WEBSOCKET_MAX_BYTES
from playground.serve.websocket import send_promptly, take_messages_up_to
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
keep_assets_local()     # Panel's stylesheets come from this server, whichever process built the session
fit_phones()            # phones lay the page out at their own width (a viewport tag)
guard_query_parsing()   # a URL value of 5,000 digits gets a notice, not a blank page
take_messages_up_to(WEBSOCKET_MAX_BYTES)   # uploads fit however the server was started
# `playground serve` starts the CNN warm-up with the server (`--setup playground/cnn/warm_start.py`);
# under a bare `panel serve`, it starts once a first page is on screen (either way, once per server).
AppShell(on_first_page=warmup.start).servable(title="nn-playground")
