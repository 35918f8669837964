"""stubforge: record third-party HTTP APIs, compile stubs that generalise, replay them."""

__version__ = "0.1.0"
