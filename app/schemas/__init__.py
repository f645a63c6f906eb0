"""marshmallow schemas: what is validated is what is documented (they feed the OpenAPI
document), one module per resource and `common` for what they share."""
