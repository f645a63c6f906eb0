"""HTTP: the blueprints. Handlers validate, call the store, and render; they never touch Redis."""
