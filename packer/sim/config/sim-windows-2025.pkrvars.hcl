# The sim-windows-2025 line: cloned from a seeded base template.
base_name     = "tpl-windows-2025"
seed_template = "seeds/seed-windows-2025"
