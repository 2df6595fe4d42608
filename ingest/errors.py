class IngestError(Exception):
    """A problem the user can fix; the CLI prints the message (one line) and exits non-zero."""


class LakeError(IngestError):
    """The lake or the machine cannot be used (permissions, disk full, a lock held, no credentials): the command
    stops, whatever the input; what was landed before stays landed, and nothing half-written is published."""
