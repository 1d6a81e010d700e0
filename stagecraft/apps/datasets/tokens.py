"""New data-set bearer tokens, made one way everywhere: the admin's suggestion, `set_token --generate`,
`import_data_sets` for entries without a token, and recovering a deleted data set."""

import secrets


def generate_token() -> str:
    """32 random bytes as 64 hex characters: beyond guessing, and safe in a header, a URL or a shell."""
    return secrets.token_hex(32)
