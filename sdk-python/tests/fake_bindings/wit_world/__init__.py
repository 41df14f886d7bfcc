"""Stand-in for the generated `wit_world` package of the `catalogue-policy` world."""
