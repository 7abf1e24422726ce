"""lockstep: scaffold and guard GitOps platform repositories."""

__version__ = "0.1.0"
