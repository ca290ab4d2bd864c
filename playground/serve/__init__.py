"""What the server shares between sessions: the fair training scheduler, its tweaks to Bokeh's websockets and
patches, and the limits every session's input meets (uploads, model archives, URL queries, locked settings)."""
