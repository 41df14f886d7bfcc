//! Inclusion proofs verified offline, tampered proofs refused, and exports.

mod common;

use common::*;
use exportctl_audit::{
    CheckpointKey, ExportError, InclusionProof, ProofError, Recorder, Store, VerifyError, export,
    prove, verify_export, verify_proof,
};

#[allow(clippy::unwrap_used)] // a test helper: failing is the point
fn log_and_ids(
    n: u64,
    every: u64,
) -> (
    tempfile::TempDir,
    CheckpointKey,
    std::path::PathBuf,
    Vec<exportctl_audit::DecisionId>,
) {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = dir.path().join("log.db");
    let rec = Recorder::start(
        Store::open(&url(&path)).unwrap(),
        key.clone(),
        config(every),
    )
    .unwrap();
    let ids = (0..n)
        .map(|i| rec.record(&record(i, None)).unwrap().decision_id)
        .collect();
    rec.close().unwrap();
    (dir, key, path, ids)
}

#[test]
fn proof_of_every_decision_verifies_offline_as_json() {
    let (_d, key, path, ids) = log_and_ids(13, 5);
    let store = Store::open_existing(&url(&path)).unwrap();
    // The auditor gets only the JSON document and the public key.
    let public = key.verifier().to_key_string();
    let verifier = exportctl_audit::CheckpointVerifier::from_key_string(&public).unwrap();
    for (i, id) in ids.iter().enumerate() {
        let json = serde_json::to_string(&prove(&store, id).unwrap()).unwrap();
        let proof: InclusionProof = serde_json::from_str(&json).unwrap();
        assert_eq!((proof.leaf_index, proof.tree_size), (i as u64, 13));
        let record = verify_proof(&proof, &verifier).unwrap();
        assert_eq!(record.id(), *id);
    }
}

#[test]
fn tampered_proofs_are_refused() {
    let (_d, key, path, ids) = log_and_ids(13, 5);
    let store = Store::open_existing(&url(&path)).unwrap();
    let good = prove(&store, &ids[6]).unwrap();
    let v = key.verifier();
    verify_proof(&good, &v).unwrap();

    let mut p = good.clone();
    p.record["verdict"]["outcome"] = "deny".into();
    assert!(matches!(verify_proof(&p, &v), Err(ProofError::Mismatch(_))));

    let mut p = good.clone();
    let mut h = hex::decode(&p.hashes[1]).unwrap();
    h[0] ^= 1;
    p.hashes[1] = hex::encode(h);
    assert!(matches!(verify_proof(&p, &v), Err(ProofError::Mismatch(_))));

    let mut p = good.clone();
    p.leaf_index = 7;
    assert!(matches!(verify_proof(&p, &v), Err(ProofError::Mismatch(_))));

    let mut p = good.clone();
    p.tree_size = 12;
    assert!(matches!(
        verify_proof(&p, &v),
        Err(ProofError::Malformed(_))
    ));

    let mut p = good.clone();
    p.checkpoint = p.checkpoint.replacen("\n13\n", "\n14\n", 1);
    assert!(matches!(
        verify_proof(&p, &v),
        Err(ProofError::Checkpoint(_))
    ));

    let other = CheckpointKey::generate(ORIGIN).unwrap();
    assert!(matches!(
        verify_proof(&good, &other.verifier()),
        Err(ProofError::Checkpoint(_))
    ));
}

#[test]
fn unknown_and_unsealed_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let key = CheckpointKey::generate(ORIGIN).unwrap();
    let path = dir.path().join("log.db");
    let rec =
        Recorder::start(Store::open(&url(&path)).unwrap(), key.clone(), config(1000)).unwrap();
    let id = rec.record(&record(1, None)).unwrap().decision_id;
    let store = Store::open_existing(&url(&path)).unwrap();
    let err = prove(&store, &id).unwrap_err();
    assert!(
        matches!(err, ProofError::NotSealed { leaf_index: 0, .. }),
        "{err}"
    );
    let err = prove(&store, &exportctl_audit::DecisionId::new()).unwrap_err();
    assert!(
        matches!(err, ProofError::UnknownDecision { .. }) && err.to_string().contains("log.db"),
        "{err}"
    );
    rec.close().unwrap();
    verify_proof(&prove(&store, &id).unwrap(), &key.verifier()).unwrap();
}

#[test]
fn complete_export_verifies_and_catches_edits() {
    let (_d, key, path, _) = log_and_ids(9, 4);
    let store = Store::open_existing(&url(&path)).unwrap();
    let mut out = Vec::new();
    assert_eq!(export(&store, None, None, &mut out).unwrap(), 9);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 1 + 3 + 9);
    let held = key.sign_checkpoint(0, &exportctl_audit::merkle::empty_root());
    let r = verify_export(text.as_bytes(), &key.verifier(), Some(&held)).unwrap();
    assert_eq!((r.records, r.checkpoints), (9, 3));
    // Edit one exported record (its JSON, not its hash).
    let edited: String = text
        .lines()
        .map(|l| {
            if l.contains("SHP-3\"") {
                l.replacen("\"allow\"", "\"deny\"", 1)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let err = verify_export(edited.as_bytes(), &key.verifier(), None).unwrap_err();
    assert!(
        matches!(
            err,
            ExportError::Verify(VerifyError::Edited { index: 3, .. })
        ),
        "{err}"
    );
    // Drop one record line.
    let dropped: String = text
        .lines()
        .filter(|l| !l.contains("SHP-4\""))
        .collect::<Vec<_>>()
        .join("\n");
    let err = verify_export(dropped.as_bytes(), &key.verifier(), None).unwrap_err();
    assert!(
        matches!(
            err,
            ExportError::Verify(VerifyError::Missing { index: 4, .. })
        ),
        "{err}"
    );
}

#[test]
fn time_range_export_carries_proofs() {
    let (_d, key, path, _) = log_and_ids(9, 4);
    let store = Store::open_existing(&url(&path)).unwrap();
    let times: Vec<String> = {
        let c = raw(&path);
        let mut st = c.prepare("SELECT time FROM records ORDER BY seq").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut out = Vec::new();
    let n = export(&store, Some(&times[3]), Some(&times[6]), &mut out).unwrap();
    assert!((1..=3).contains(&n), "{n}");
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("SHP-0\"") && !text.contains("SHP-8\""));
    let r = verify_export(text.as_bytes(), &key.verifier(), None).unwrap();
    assert_eq!(r.records, n);
    let edited = text.replacen("\"allow\"", "\"deny\"", 1);
    let err = verify_export(edited.as_bytes(), &key.verifier(), None).unwrap_err();
    assert!(matches!(err, ExportError::Proof { .. }), "{err}");
}
