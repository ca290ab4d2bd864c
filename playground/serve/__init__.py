"""What the server shares between sessions: the fair training scheduler."""
