"""What the server shares between sessions: the fair training scheduler, and its tweaks to Bokeh's websockets and patches."""
