"""AI-assisted coding (issue 15)."""
