"""Vault file format, version 1 (all integers big-endian).

    magic        8   b"P2PVAULT"
    version      u16 1
    header_len   u32 length of the header (this prefix included), checked before anything else
    slot_count   u8  1..2, at most one slot of each kind
    slot * n         kind u8 (1 passphrase, 2 recovery), kdf u8 (1 Argon2id), memory_kib u32,
                     iterations u32, lanes u32, salt 16, nonce 12, wrapped data key 48
                     (AES-256-GCM; associated data: the slot's own bytes before the wrapped key)
    generation   u64 strictly increasing with each save
    save_salt    32  HKDF salt for this save's payload key
    nonce        12  payload nonce
    payload_len  u64 length of the plaintext image
    sha256       32  SHA-256 of every byte above (as KDBX 4 does): damage reads as "damaged"
    ciphertext       AES-256-GCM(HKDF-SHA256(data key, save_salt), image, associated data = header)
                     payload_len + 16 bytes, and nothing after it

Every length and every KDF bound is checked here, before any KDF work, so a tampered header cannot make
the reader allocate gigabytes or spin for minutes: the reader's bounds are the writer's ceiling (each
parameter, each slot's cost, the header's total cost), and an unlock derives one key at most.

The SHA-256 is unkeyed: it tells damage apart from a wrong passphrase, not a deliberate change whose
author recomputed it. A change to any slot but the one the secret opens is still caught (the payload's
associated data is the whole header); a change to that slot itself (its salt, its cost, its wrapped key)
cannot be told apart from a wrong secret without the secret, and reads as one (see `WrongPassphrase`).
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from p2p_tui.vault.errors import UnsupportedVersion, VaultDamaged

MAGIC = b"P2PVAULT"
VERSION = 1
PREFIX = struct.Struct(">8sHI")  # magic, version, header_len
SLOT_HEAD = struct.Struct(">BBIII16s12s")  # kind, kdf, memory_kib, iterations, lanes, salt, nonce
WRAPPED_LEN = 32 + 16
SLOT_LEN = SLOT_HEAD.size + WRAPPED_LEN
TAIL = struct.Struct(">Q32s12sQ")  # generation, save_salt, nonce, payload_len
SHA_LEN = 32
TAG_LEN = 16
MAX_SLOTS = 2  # one passphrase slot and one recovery slot
MAX_HEADER = PREFIX.size + 1 + MAX_SLOTS * SLOT_LEN + TAIL.size
HEAD_READ = MAX_HEADER + SHA_LEN  # enough of a file to check its header

KDF_ARGON2ID = 1
# The writer's ceiling, which is also the reader's bound (ARCHITECTURE.md §2): anything outside is refused
# before the KDF runs. The cost of a slot is memory (KiB) times passes, the work of one derivation; the
# writer's calibration reaches at most 1 GiB at 3 passes.
MAX_MEMORY_KIB = 1024 * 1024
MAX_ITERATIONS = 10
MAX_LANES = 8
MAX_SLOT_COST = MAX_MEMORY_KIB * 3
MAX_TOTAL_COST = MAX_SLOTS * MAX_SLOT_COST  # one slot of each kind at the ceiling


class SlotKind(IntEnum):
    """Which secret opens a key slot."""

    PASSPHRASE = 1
    RECOVERY = 2


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: memory in KiB, passes, lanes."""

    memory_kib: int
    iterations: int
    lanes: int

    @property
    def cost(self) -> int:
        """The work of one derivation: memory in KiB times passes."""
        return self.memory_kib * self.iterations

    def within_ceiling(self) -> bool:
        """Whether the writer may choose these parameters (and so the reader accepts them)."""
        return (
            1 <= self.lanes <= MAX_LANES
            and 1 <= self.iterations <= MAX_ITERATIONS
            and 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB
            and self.cost <= MAX_SLOT_COST
        )

    def at_least(self, floor: KdfParams) -> KdfParams:
        """These parameters raised, one by one, to at least `floor`."""
        return KdfParams(
            max(self.memory_kib, floor.memory_kib),
            max(self.iterations, floor.iterations),
            max(self.lanes, floor.lanes),
        )

    def check(self) -> None:
        """Raise VaultDamaged unless the parameters are within the reader's bounds."""
        if not self.within_ceiling():
            raise _costs_refused()


def _costs_refused() -> VaultDamaged:
    return VaultDamaged(
        "The vault's header asks for key-derivation costs outside the allowed bounds; "
        "it was altered or is not a p2p-tui vault."
    )


@dataclass(frozen=True)
class Slot:
    """One key slot: the data key wrapped under a key derived from a secret."""

    kind: SlotKind
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def head(self) -> bytes:
        """The slot's bytes before the wrapped key: the associated data of its wrapping."""
        k = self.kdf
        return SLOT_HEAD.pack(
            int(self.kind), KDF_ARGON2ID, k.memory_kib, k.iterations, k.lanes, self.salt, self.nonce
        )


@dataclass(frozen=True)
class Header:
    """Everything before the ciphertext."""

    slots: tuple[Slot, ...]
    generation: int
    save_salt: bytes
    nonce: bytes
    payload_len: int

    def encode(self) -> bytes:
        """The header bytes (without the SHA-256 that follows them)."""
        length = PREFIX.size + 1 + len(self.slots) * SLOT_LEN + TAIL.size
        parts = [PREFIX.pack(MAGIC, VERSION, length), bytes([len(self.slots)])]
        for slot in self.slots:
            parts += [slot.head(), slot.wrapped]
        parts.append(TAIL.pack(self.generation, self.save_salt, self.nonce, self.payload_len))
        return b"".join(parts)


def _damaged(what: str) -> VaultDamaged:
    return VaultDamaged(f"The vault file is damaged or was altered ({what}).")


def parse(data: bytes | memoryview) -> tuple[Header, bytes, memoryview]:
    """Validate and split a whole vault file: (header, header bytes, ciphertext view).

    Raises VaultDamaged or UnsupportedVersion; never runs a KDF.
    """
    view = memoryview(data)
    header, header_bytes = parse_header(view, len(view))
    return header, header_bytes, view[len(header_bytes) + SHA_LEN :]


def parse_header(view: memoryview, file_size: int) -> tuple[Header, bytes]:
    """Validate a vault's header from the file's first bytes (at least `HEAD_READ` of them, or the
    whole file) and the file's size: every check of `parse` but the decryption."""
    if len(view) < PREFIX.size:
        raise _damaged("too short to be a vault")
    magic, version, header_len = PREFIX.unpack_from(view)
    if magic != MAGIC:
        raise VaultDamaged("This file is not a p2p-tui vault (its first bytes are wrong).")
    if not PREFIX.size < header_len <= MAX_HEADER or len(view) < header_len + SHA_LEN:
        raise _damaged("header length")
    header_bytes = bytes(view[:header_len])
    if hashlib.sha256(header_bytes).digest() != view[header_len : header_len + SHA_LEN]:
        raise _damaged("header checksum")
    if version != VERSION:
        raise UnsupportedVersion(
            f"This vault was written by a newer p2p-tui (file format {version}; this one reads {VERSION}).",
            "Install the newer p2p-tui to open it.",
        )
    count = header_bytes[PREFIX.size]
    if not 1 <= count <= MAX_SLOTS or header_len != PREFIX.size + 1 + count * SLOT_LEN + TAIL.size:
        raise _damaged("key slots")
    slots: list[Slot] = []
    offset = PREFIX.size + 1
    for _ in range(count):
        kind, kdf_id, mem, its, lanes, salt, nonce = SLOT_HEAD.unpack_from(header_bytes, offset)
        offset += SLOT_HEAD.size
        wrapped = header_bytes[offset : offset + WRAPPED_LEN]
        offset += WRAPPED_LEN
        if kind not in (SlotKind.PASSPHRASE, SlotKind.RECOVERY) or kdf_id != KDF_ARGON2ID:
            raise _damaged("key slot kind")
        if any(s.kind == kind for s in slots):
            raise _damaged("two key slots of one kind")
        params = KdfParams(mem, its, lanes)
        params.check()
        slots.append(Slot(SlotKind(kind), params, salt, nonce, wrapped))
    if sum(s.kdf.cost for s in slots) > MAX_TOTAL_COST:
        raise _costs_refused()
    generation, save_salt, nonce, payload_len = TAIL.unpack_from(header_bytes, offset)
    if file_size - header_len - SHA_LEN != payload_len + TAG_LEN:
        raise _damaged("length of the encrypted data")
    return Header(tuple(slots), generation, save_salt, nonce, payload_len), header_bytes


def peek_generation(path: Path) -> int | None:
    """The generation of the vault file at `path` if its header is intact, else None.

    Reads only the header's bytes (and the file's size), never the whole file, and runs no KDF: for
    backup listings, which look at every backup.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe or a device would block or never end
            return None
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):  # replaced between the two looks
                return None
            head = file.read(HEAD_READ)
        return parse_header(memoryview(head), info.st_size)[0].generation
    except (OSError, VaultDamaged):
        return None
