"""`panel serve --setup` script: the CNN warm-up starts with the server, not after its first page.

`playground serve` passes it (see `playground.cli.serve_command`), so that the first CNN page
a learner opens finds TensorFlow, the default model and its traced function ready. A bare
`panel serve playground/app.py` works without it: the app starts the warm-up once a first
page is on screen. With `--num-procs N`, Panel runs this in each process after it forks.
"""
from playground.cnn import warmup

warmup.start()
