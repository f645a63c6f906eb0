"""The OpenAPI 3.1 document: `build` assembles it from the components, the shared parts,
the error table and one module of operations per resource."""
