"""ID, phone and account numbers at rest (docs/security.md, ADR 0016).

A sensitive column holds a token, never the number: `enc1:` and the URL-safe base64 of a key
id, a random nonce and the AES-256-GCM ciphertext with its tag (the `cryptography` package's
AESGCM), so a database dump or backup shows no number and a changed byte is detected. The keys
come from ANJU_FIELD_KEYS (comma-separated; the first encrypts, every one decrypts by its id,
so a new key is put first and `anju rotate_keys` re-encrypts). An exact search (an ID number)
goes through a keyed hash column (HMAC-SHA256 with ANJU_LOOKUP_KEY), which also carries the
uniqueness of a household head.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, IsNull

TOKEN_PREFIX = "enc1:"
KEY_ID_BYTES, NONCE_BYTES = 4, 12
HASH_LENGTH = 32  # hex digits: the first 128 bits of the HMAC


def new_key() -> str:
    """A fresh field key: 32 random bytes, URL-safe base64 (AES-256)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class Keyring:
    """The field keys: the first encrypts; a token names the key that decrypts it."""

    def __init__(self, keys: tuple[str, ...]):
        try:
            raw = [base64.urlsafe_b64decode(k.encode()) for k in keys]
        except (ValueError, TypeError) as e:
            raise ImproperlyConfigured("ANJU_FIELD_KEYS must be URL-safe base64 keys") from e
        if not raw or any(len(k) != 32 for k in raw):
            raise ImproperlyConfigured(
                "ANJU_FIELD_KEYS must hold one or more 32-byte keys, URL-safe base64, "
                "comma-separated (anju.crypto.new_key)")
        self.ciphers = [(hashlib.sha256(k).digest()[:KEY_ID_BYTES], AESGCM(k)) for k in raw]
        self.by_id = dict(self.ciphers)

    def encrypt(self, data: bytes) -> str:
        key_id, cipher = self.ciphers[0]
        nonce = os.urandom(NONCE_BYTES)
        blob = key_id + nonce + cipher.encrypt(nonce, data, None)
        return TOKEN_PREFIX + base64.urlsafe_b64encode(blob).decode()

    def decrypt(self, token: str) -> bytes:
        blob = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX):].encode())
        key_id, nonce = blob[:KEY_ID_BYTES], blob[KEY_ID_BYTES:KEY_ID_BYTES + NONCE_BYTES]
        cipher = self.by_id.get(key_id)
        if cipher is None:
            raise ImproperlyConfigured(
                "a sensitive value was encrypted with a key that is no longer in "
                "ANJU_FIELD_KEYS: put it back, then run `anju rotate_keys`") from None
        return cipher.decrypt(nonce, blob[KEY_ID_BYTES + NONCE_BYTES:], None)


@lru_cache(maxsize=4)
def _keyring(keys: tuple[str, ...]) -> Keyring:
    return Keyring(keys)


def keyring() -> Keyring:
    return _keyring(tuple(settings.FIELD_KEYS))


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(TOKEN_PREFIX)


def encryptor():
    """`encrypt` with the keys looked up once, for the bulk seam's millions of values."""
    seal = keyring().encrypt

    def encrypt_value(value: str | None) -> str | None:
        return seal(value.encode()) if value else value

    return encrypt_value


def encrypt(value: str | None) -> str | None:
    """A token for `value`; an empty value stays empty (it says nothing that a blank doesn't)."""
    return encryptor()(value)


def decrypt(token: str | None) -> str | None:
    if not token:
        return token
    if not is_encrypted(token):
        raise ImproperlyConfigured(
            "a sensitive column holds a plain value: run the registry migrations "
            "(0006 encrypts older rows)")
    try:
        return keyring().decrypt(token).decode()
    except (InvalidTag, ValueError):
        raise ImproperlyConfigured(
            "a sensitive value does not decrypt: it was changed in the database, or "
            "ANJU_FIELD_KEYS holds a different key under the same id") from None


def hasher():
    """`lookup_hash` with the key looked up once."""
    keyed = hmac.new(settings.LOOKUP_KEY.encode(), digestmod=hashlib.sha256)

    def hash_value(value: str | None) -> str:
        value = (value or "").strip().upper()
        if not value:
            return ""
        mac = keyed.copy()  # the key's pads are computed once, not per value
        mac.update(value.encode())
        return mac.hexdigest()[:HASH_LENGTH]

    return hash_value


def lookup_hash(value: str | None) -> str:
    """The keyed hash that exact searches compare; '' for an empty value."""
    return hasher()(value)


class _EmptyOnlyExact(Exact):
    # `field=""` (is it filled in?) still works; a value cannot be compared with a token.
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target.name} is encrypted: search by its lookup hash")
        return super().get_prep_lookup()


class EncryptedCharField(models.TextField):
    """A text column that holds an encrypted token and reads as the plain value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        return encrypt(super().get_prep_value(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None


class LookupHashField(models.CharField):
    """The keyed hash of another field, set whenever the row is saved through the ORM
    (like `auto_now`); a queryset `update()` must set it too (`with_lookup_hashes`)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", HASH_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = lookup_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def hash_fields(model) -> list[LookupHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, LookupHashField)]


def with_lookup_hashes(model, values: dict) -> dict:
    """`values` for a queryset update(), with the hash of each changed source field."""
    return values | {f.attname: lookup_hash(values[f.source])
                     for f in hash_fields(model) if f.source in values}


def seal_secret(hex_key: str) -> str:
    """An authenticator's secret (hex, as django-otp keeps it) as a token of its raw bytes
    (20 bytes make a 77-character token, inside django-otp's 80); a token stays as it is."""
    if is_encrypted(hex_key):
        return hex_key
    return keyring().encrypt(bytes.fromhex(hex_key))


def open_secret(value: str) -> bytes:
    """The raw secret of a sealed (or, before migration, hex) authenticator key."""
    if not is_encrypted(value):
        return bytes.fromhex(value)
    try:
        return keyring().decrypt(value)
    except (InvalidTag, ValueError):
        raise ImproperlyConfigured(
            "an authenticator secret does not decrypt: ANJU_FIELD_KEYS holds a different key "
            "under the same id") from None
