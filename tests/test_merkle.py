"""RFC 6962 hashing against the Certificate Transparency test vectors, and consistency proofs
for every pair of sizes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctions.trust.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    leaf_hash,
    root,
    verify_consistency,
)

pytestmark = pytest.mark.pure

# The inputs and tree heads of RFC 6962's reference implementation (certificate-transparency).
INPUTS = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
          "5051525354555657", "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
LEAVES = [leaf_hash(x) for x in INPUTS]


def test_the_empty_tree_and_every_reference_tree_head_match() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root([]) == EMPTY_ROOT
    assert [root(LEAVES[:n]).hex() for n in range(1, 9)] == ROOTS


@pytest.mark.parametrize(("m", "n", "proof"), CONSISTENCY)
def test_the_reference_consistency_proofs_are_produced_and_verify(
    m: int, n: int, proof: list[str]
) -> None:
    made = consistency_proof(LEAVES[:n], m)
    assert [p.hex() for p in made] == proof
    assert verify_consistency(m, n, root(LEAVES[:m]), root(LEAVES[:n]), made)


def many(count: int) -> list[bytes]:
    return [leaf_hash(b"record %d" % i) for i in range(count)]


@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_every_prefix_is_proved_consistent_and_a_changed_leaf_is_not(
    sizes: tuple[int, int],
) -> None:
    m, n = sizes
    leaves = many(n)
    proof = consistency_proof(leaves, m)
    assert verify_consistency(m, n, root(leaves[:m]), root(leaves), proof)
    edited = [*leaves]
    edited[m - 1] = leaf_hash(b"edited")
    assert not verify_consistency(m, n, root(edited[:m]), root(leaves), proof)
    if m < n:  # a rewritten history is not consistent with the signed old head
        assert not verify_consistency(m, n, root(leaves[:m]), root(edited), proof)
