"""RFC 6962 (Certificate Transparency) Merkle tree hashing, written against its test vectors.

Pure. A leaf's hash is SHA-256(0x00 || data), an interior node's SHA-256(0x01 || left ||
right); the tree over n leaves splits at the largest power of two below n (RFC 6962 section 2.1), so
any log, library or auditor that implements the RFC computes the same tree head. Why not
`pymerkle`: it is not packaged for this environment, its storage layer would duplicate the
database's, and the three functions the log needs (root, consistency proof, its check) are
short and proved here against the published vectors (tests/test_merkle.py).

`consistency_proof(leaves, m)` and `verify_consistency` (RFC 6962 section 2.1.2, RFC 9162
section 2.1.4.2) prove that the tree of the first m leaves is a prefix of the tree of all of
them: the log only grew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of the leaf hashes `leaves` (iterative: each level pairs its
    nodes left to right and carries an odd last one up, which is RFC 6962's tree)."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def consistency_proof(leaves: Sequence[bytes], m: int) -> list[bytes]:
    """The proof that the tree of `leaves[:m]` is a prefix of the tree of `leaves`."""
    n = len(leaves)
    if not 0 < m <= n:
        raise ValueError(f"no consistency proof from size {m} to size {n}")
    return _subproof(leaves, m, complete=True)


def _subproof(leaves: Sequence[bytes], m: int, *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves[:k], m, complete=complete), root(leaves[k:])]
    return [*_subproof(leaves[k:], m - k, complete=False), root(leaves[:k])]


def verify_consistency(
    m: int, n: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows that the tree of size m with `old_root` is a prefix of the tree
    of size n with `new_root` (RFC 9162 section 2.1.4.2)."""
    if not 0 < m <= n:
        return False
    if m == n:
        return not proof and old_root == new_root
    path = list(proof)
    if m & (m - 1) == 0:  # m is a power of two: the old root is the first node
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
