//! The RFC 6962 Merkle tree over records: leaf = SHA-256(0x00 ‖ record), node =
//! SHA-256(0x01 ‖ left ‖ right).
//!
//! Proof *shapes* (which nodes a proof holds) and proof *verification* come from `ct-merkle`.
//! `ct-merkle`'s own tree keeps every leaf value in memory; a log of millions of records only
//! needs their 32-byte leaf hashes, so [`Tree`] keeps those (plus complete-subtree hashes) and
//! answers `ct-merkle`'s node indices from them. Tests check every proof against `ct-merkle`'s
//! tree and the RFC 6962 known answers.

use ct_merkle::{
    ConsistencyProof, RootHash, indices_for_consistency_proof, indices_for_inclusion_proof,
};
use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// A proof failed to verify, or asked for a tree that does not exist.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MerkleError {
    /// The leaf is not at that index in the tree with that root.
    #[error(
        "inclusion proof for leaf {index} in a tree of {size} does not match the root ({reason})"
    )]
    Inclusion {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
        /// ct-merkle's reason.
        reason: String,
    },
    /// The older tree is not a prefix of the newer one.
    #[error("tree of size {old_size} is not a prefix of the tree of size {new_size} ({reason})")]
    Consistency {
        /// Older tree size.
        old_size: u64,
        /// Newer tree size.
        new_size: u64,
        /// ct-merkle's reason.
        reason: String,
    },
    /// A proof was asked for sizes the tree does not have.
    #[error("no proof for sizes/index {detail} in a tree of {len} leaves")]
    OutOfRange {
        /// What was asked.
        detail: String,
        /// Leaves in the tree.
        len: u64,
    },
}

/// RFC 6962 leaf hash of a record's canonical bytes.
pub fn leaf_hash(record: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(record);
    h.finalize().into()
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1).
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// An append-only Merkle tree over leaf hashes.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// `levels[k][i]` = hash of the complete subtree of leaves `i·2^k .. (i+1)·2^k`.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<&Hash> {
        self.levels.first()?.get(usize::try_from(index).ok()?)
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut k = 0;
        let mut hash = leaf;
        loop {
            if self.levels.len() == k {
                self.levels.push(Vec::new());
            }
            let level = &mut self.levels[k];
            level.push(hash);
            if level.len() % 2 == 1 {
                break;
            }
            hash = node_hash(&level[level.len() - 2], &level[level.len() - 1]);
            k += 1;
        }
    }

    /// Root hash of the first `size` leaves (`size` ≤ [`Tree::len`]).
    pub fn root_at(&self, size: u64) -> Result<Hash, MerkleError> {
        if size > self.len() {
            return Err(MerkleError::OutOfRange {
                detail: format!("size {size}"),
                len: self.len(),
            });
        }
        Ok(if size == 0 {
            empty_root()
        } else {
            self.subtree(0, size)
        })
    }

    /// Root hash of the whole tree.
    pub fn root(&self) -> Hash {
        if self.is_empty() {
            empty_root()
        } else {
            self.subtree(0, self.len())
        }
    }

    /// Merkle tree hash of leaves `lo..hi` (non-empty, `lo` aligned as RFC 6962 splits are).
    fn subtree(&self, lo: u64, hi: u64) -> Hash {
        let n = hi - lo;
        if n.is_power_of_two() && lo.is_multiple_of(n) {
            let k = n.trailing_zeros() as usize;
            return self.levels[k][(lo >> k) as usize];
        }
        // RFC 6962: split at the largest power of two smaller than n.
        let split = 1u64 << (63 - (n - 1).leading_zeros());
        node_hash(&self.subtree(lo, lo + split), &self.subtree(lo + split, hi))
    }

    /// Hash of a node of the array-based tree of `size` leaves (ct-merkle's indexing: leaf i is
    /// node 2i; a node's level is its count of trailing one bits).
    fn node(&self, index: u64, size: u64) -> Hash {
        let level = index.trailing_ones();
        let lo = (index >> (level + 1)) << level;
        let hi = (lo + (1u64 << level)).min(size);
        self.subtree(lo, hi)
    }

    /// Audit path for leaf `index` in the tree of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, MerkleError> {
        if index >= size || size > self.len() {
            return Err(MerkleError::OutOfRange {
                detail: format!("leaf {index} of size {size}"),
                len: self.len(),
            });
        }
        Ok(indices_for_inclusion_proof(size, index)
            .into_iter()
            .map(|i| self.node(i, size))
            .collect())
    }

    /// Consistency proof from the tree of `old_size` leaves to the tree of `new_size` leaves.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, MerkleError> {
        if old_size > new_size || new_size > self.len() {
            return Err(MerkleError::OutOfRange {
                detail: format!("{old_size} → {new_size}"),
                len: self.len(),
            });
        }
        if old_size == 0 {
            return Ok(Vec::new());
        }
        Ok(indices_for_consistency_proof(old_size, new_size - old_size)
            .into_iter()
            .map(|i| self.node(i, new_size))
            .collect())
    }
}

fn root_hash(root: &Hash, size: u64) -> RootHash<Sha256> {
    RootHash::new((*root).into(), size)
}

/// Checks that `record` is leaf `index` of the tree of `size` leaves with root `root`.
pub fn verify_inclusion(
    record: &[u8],
    index: u64,
    size: u64,
    root: &Hash,
    path: &[Hash],
) -> Result<(), MerkleError> {
    let digests: Vec<_> = path
        .iter()
        .map(|h| ct_merkle::digest::Output::<Sha256>::from(*h))
        .collect();
    let proof = ct_merkle::InclusionProof::<Sha256>::from_digests(digests.iter());
    root_hash(root, size)
        .verify_inclusion(&record, index, &proof)
        .map_err(|e| MerkleError::Inclusion {
            index,
            size,
            reason: e.to_string(),
        })
}

/// Checks that the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`).
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    let fail = |reason: String| MerkleError::Consistency {
        old_size,
        new_size,
        reason,
    };
    if old_size == 0 {
        // Every tree extends the empty tree, whose root is fixed.
        return if *old_root == empty_root() && proof.is_empty() {
            Ok(())
        } else {
            Err(fail("not the empty tree's root".into()))
        };
    }
    if old_size == new_size {
        return if old_root == new_root && proof.is_empty() {
            Ok(())
        } else {
            Err(fail("same size, different roots".into()))
        };
    }
    let digests: Vec<_> = proof
        .iter()
        .map(|h| ct_merkle::digest::Output::<Sha256>::from(*h))
        .collect();
    let proof = ConsistencyProof::<Sha256>::from_digests(digests.iter());
    root_hash(new_root, new_size)
        .verify_consistency(&root_hash(old_root, old_size), &proof)
        .map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ct_merkle::mem_backed_tree::MemoryBackedTree;

    /// RFC 6962 test leaves (transparency-dev/merkle reference tests).
    const LEAVES: &[&str] = &[
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];

    fn tree_of(n: usize) -> Tree {
        let mut t = Tree::new();
        for l in &LEAVES[..n] {
            t.push(leaf_hash(&hex::decode(l).unwrap()));
        }
        t
    }

    fn joined(p: &[Hash]) -> String {
        p.iter().map(hex::encode).collect()
    }

    #[test]
    fn rfc6962_known_roots_and_proofs() {
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let t = tree_of(8);
        assert_eq!(
            hex::encode(t.root()),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
        assert_eq!(
            hex::encode(t.root_at(1).unwrap()),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            joined(&t.inclusion_proof(5, 8).unwrap()),
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b\
             ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0\
             d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"
        );
        assert_eq!(
            joined(&t.inclusion_proof(2, 3).unwrap()),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
        );
        assert_eq!(
            joined(&t.consistency_proof(6, 8).unwrap()),
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a\
             ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0\
             d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"
        );
        assert_eq!(
            joined(&t.consistency_proof(2, 5).unwrap()),
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e\
             bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
        );
    }

    #[test]
    fn agrees_with_ct_merkle_tree_for_every_size_and_index() {
        let mut ours = Tree::new();
        let mut theirs = MemoryBackedTree::<Sha256, Vec<u8>>::new();
        for n in 1..=70u64 {
            let v = n.to_be_bytes().to_vec();
            ours.push(leaf_hash(&v));
            theirs.push(v);
            assert_eq!(
                ours.root(),
                <Hash>::from(*theirs.root().as_bytes()),
                "root {n}"
            );
            for i in 0..n {
                let p = ours.inclusion_proof(i, n).unwrap();
                let q = theirs.prove_inclusion(i as usize);
                assert_eq!(
                    joined(&p),
                    hex::encode(q.as_bytes()),
                    "inclusion {i} of {n}"
                );
                let rec = (i + 1).to_be_bytes();
                verify_inclusion(&rec, i, n, &ours.root(), &p).unwrap();
            }
            for old in 1..n {
                let p = ours.consistency_proof(old, n).unwrap();
                let q = theirs.prove_consistency((n - old) as usize);
                assert_eq!(
                    joined(&p),
                    hex::encode(q.as_bytes()),
                    "consistency {old}→{n}"
                );
                verify_consistency(old, &ours.root_at(old).unwrap(), n, &ours.root(), &p).unwrap();
            }
        }
    }

    #[test]
    fn tampered_proofs_fail() {
        let t = tree_of(8);
        let mut p = t.inclusion_proof(3, 8).unwrap();
        let rec = hex::decode(LEAVES[3]).unwrap();
        verify_inclusion(&rec, 3, 8, &t.root(), &p).unwrap();
        assert!(verify_inclusion(&rec, 4, 8, &t.root(), &p).is_err());
        assert!(verify_inclusion(b"other", 3, 8, &t.root(), &p).is_err());
        p[0][0] ^= 1;
        assert!(verify_inclusion(&rec, 3, 8, &t.root(), &p).is_err());
        let mut c = t.consistency_proof(3, 8).unwrap();
        c[1][5] ^= 1;
        assert!(verify_consistency(3, &t.root_at(3).unwrap(), 8, &t.root(), &c).is_err());
        let other = tree_of(7);
        let c = t.consistency_proof(3, 8).unwrap();
        assert!(
            verify_consistency(3, &t.root_at(3).unwrap(), 8, &other.root_at(7).unwrap(), &c)
                .is_err()
        );
    }
}
