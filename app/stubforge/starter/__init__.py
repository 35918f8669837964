"""``stubforge init``: a starter stubs directory."""
