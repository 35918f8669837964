"""OpenAPI and Swagger 2.0: import a spec as stubs, check stubs and requests against it,
export stubs as a spec."""
