"""``stubforge import wiremock``: WireMock JSON mappings converted into stub files."""
