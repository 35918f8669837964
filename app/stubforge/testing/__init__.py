"""Testing helpers shipped with stubforge: an in-process server, an admin client and the
pytest plugin (``stubforge.testing.plugin``, registered as the ``pytest11`` entry point)."""
