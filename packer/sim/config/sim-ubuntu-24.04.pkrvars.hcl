# The sim-ubuntu-24.04 line: cloned from a seeded base template.
base_name     = "tpl-ubuntu-24.04"
seed_template = "seeds/seed-ubuntu-24.04"
