"""Keys: Argon2id derivation and its calibration, slot wrapping, the payload key, recovery codes."""

from __future__ import annotations

import secrets
import time
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import AEADEncryptionContext, Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from p2p_tui.vault.format import MAX_MEMORY_KIB, KdfParams, Slot, SlotKind

DATA_KEY_LEN = 32
# ARCHITECTURE.md §2.2: a new passphrase slot is calibrated to about 0.5 s, from 64 MiB / 3 / 4 up.
DEFAULT_KDF = KdfParams(memory_kib=256 * 1024, iterations=3, lanes=4)
FLOOR_KDF = KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4)
CEILING_MEMORY_KIB = MAX_MEMORY_KIB  # the writer's ceiling is the reader's bound (format.py)
TARGET_SECONDS = 0.5
PAYLOAD_INFO = b"p2p-tui vault v1 payload"

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_DATA_CHARS = 27  # 135 bits
RECOVERY_GROUP = 4


def derive(secret: str, salt: bytes, params: KdfParams) -> bytes:
    """Argon2id of a secret (NFC-normalised UTF-8) into a 256-bit key-encryption key."""
    params.check()
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(unicodedata.normalize("NFC", secret).encode("utf-8"))


def calibrate(target: float = TARGET_SECONDS) -> KdfParams:
    """Scale Argon2id's memory so that one derivation takes about `target` seconds here.

    Measured once at the floor, scaled linearly (Argon2 is linear in memory), clamped to
    [64 MiB, 1 GiB]; iterations and lanes stay at 3 and 4.
    """
    start = time.perf_counter()
    derive("calibration", b"\0" * 16, FLOOR_KDF)
    elapsed = max(time.perf_counter() - start, 1e-3)
    memory = int(FLOOR_KDF.memory_kib * target / elapsed)
    memory = max(FLOOR_KDF.memory_kib, min(CEILING_MEMORY_KIB, memory))
    memory -= memory % 1024
    return KdfParams(memory_kib=memory, iterations=FLOOR_KDF.iterations, lanes=FLOOR_KDF.lanes)


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return secrets.token_bytes(DATA_KEY_LEN)


def wrap(kind: SlotKind, secret: str, data_key: bytes, params: KdfParams) -> Slot:
    """A new slot (fresh salt and nonce) holding `data_key` under `secret`.

    Refuses (ValueError) parameters above the writer's ceiling: the reader would refuse the file.
    """
    if not params.within_ceiling():
        raise ValueError(f"key-derivation parameters above the writer's ceiling: {params}")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    draft = Slot(kind, params, salt, nonce, b"")
    kek = derive(secret, salt, params)
    wrapped = AESGCM(kek).encrypt(nonce, data_key, draft.head())
    return Slot(kind, params, salt, nonce, wrapped)


def unwrap(slot: Slot, secret: str) -> bytes | None:
    """The data key if `secret` opens this slot, else None."""
    kek = derive(secret, slot.salt, slot.kdf)
    try:
        return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, slot.head())
    except InvalidTag:
        return None


def payload_key(data_key: bytes, save_salt: bytes) -> AESGCM:
    """The per-save payload cipher: AES-256-GCM under HKDF-SHA256(data key, save salt)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=save_salt, info=PAYLOAD_INFO).derive(data_key)
    return AESGCM(key)


Encryptor = AEADEncryptionContext


def payload_encryptor(data_key: bytes, save_salt: bytes, nonce: bytes, header: bytes) -> Encryptor:
    """A streaming AES-256-GCM encryptor for a payload, with the header as associated data.

    Byte for byte what `payload_key(...).encrypt(nonce, image, header)` gives, without the copy.
    """
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=save_salt, info=PAYLOAD_INFO).derive(data_key)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(header)
    return encryptor


def _check_char(chars: str) -> str:
    """Luhn mod 32 check character: catches any single wrong character and most swaps."""
    factor, total = 2, 0
    for ch in reversed(chars):
        addend = factor * ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def new_recovery_code() -> str:
    """A printable random code of 135 bits plus a check character, in groups of four."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(RECOVERY_DATA_CHARS))
    code = chars + _check_char(chars)
    return "-".join(code[i : i + RECOVERY_GROUP] for i in range(0, len(code), RECOVERY_GROUP))


def normalize_recovery_code(text: str) -> str | None:
    """The canonical code (grouped) if `text` is a well-formed code with a valid check, else None.

    Case, white space and dashes are ignored; O reads as 0 and I or L as 1, as Crockford intends.
    """
    raw = "".join(text.upper().replace("-", "").split())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(raw) != RECOVERY_DATA_CHARS + 1 or any(c not in ALPHABET for c in raw):
        return None
    if _check_char(raw[:-1]) != raw[-1]:
        return None
    return "-".join(raw[i : i + RECOVERY_GROUP] for i in range(0, len(raw), RECOVERY_GROUP))
