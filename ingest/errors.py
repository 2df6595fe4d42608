class IngestError(Exception):
    """A problem the user can fix; the CLI prints the message (one line) and exits non-zero."""
