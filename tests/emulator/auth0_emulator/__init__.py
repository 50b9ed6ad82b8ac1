"""A stateful HTTPS emulator of the parts of the Auth0 Management API this collection uses."""
from .emulator import Emulator

__all__ = ["Emulator"]
