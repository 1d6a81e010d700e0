"""API tokens: random, shown once, stored only as a hash, compared in constant time."""

import hashlib
import hmac
import secrets


def new_token() -> str:
    # 32 random bytes (256 bits): far beyond guessing, so a fast unsalted hash is enough to store it.
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), stored_hash)
