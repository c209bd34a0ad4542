"""The encrypted vault file: format, keys, atomic save, backups, lock. No peewee, no Textual."""

from p2p_tui.vault.errors import (
    BackupRotationFailed,
    RefusedImage,
    RefusedOutput,
    UnsupportedVersion,
    VaultDamaged,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    VaultWriteError,
    WrongPassphrase,
)
from p2p_tui.vault.file import Vault, peek_generation
from p2p_tui.vault.format import KdfParams, SlotKind
from p2p_tui.vault.saver import Saver, SaveState

__all__ = [
    "BackupRotationFailed",
    "KdfParams",
    "RefusedImage",
    "RefusedOutput",
    "SaveState",
    "Saver",
    "SlotKind",
    "UnsupportedVersion",
    "Vault",
    "VaultDamaged",
    "VaultError",
    "VaultExists",
    "VaultLocked",
    "VaultNotFound",
    "VaultWriteError",
    "WrongPassphrase",
    "peek_generation",
]
