//! SQLite group commit: many concurrent writers share COMMITs, each `commit()` returns only
//! once its changes are committed (visible to every other connection), and a transaction
//! dropped without commit leaves nothing behind while the others of its group commit.

use chanjiao_store::audit::{self, NewEvent};
use chanjiao_store::{Db, on_db};

fn event(i: usize) -> NewEvent {
    NewEvent {
        actor_login: Some(format!("writer{i}")),
        action: "test.write".into(),
        result: audit::result::SUCCESS,
        detail: serde_json::json!({ "i": i }),
        ..Default::default()
    }
}

async fn count(db: &Db, login: &str) -> i64 {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM audit_inbox WHERE actor_login = $1"
    )
    .bind(login)
    .fetch_one(p)
    .await)
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_commit_together_and_dropped_ones_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_sqlite(&dir.path().join("t.db")).await.unwrap();
    db.migrate().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..300 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            audit::append(&mut tx, event(i)).await.unwrap();
            if i % 3 == 0 {
                // Dropped without commit: rolled back, whatever the others do.
                drop(tx);
                return;
            }
            tokio::task::yield_now().await;
            tx.commit().await.unwrap();
            // Acknowledged means committed: another connection sees it now.
            assert_eq!(count(&db, &format!("writer{i}")).await, 1, "writer {i}");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for i in 0..300 {
        let expected = if i % 3 == 0 { 0 } else { 1 };
        assert_eq!(
            count(&db, &format!("writer{i}")).await,
            expected,
            "writer {i}"
        );
    }
    // The chain takes exactly the committed events, and verifies.
    let v = audit::verify(&db).await.unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.checked, 200);
    db.close().await;
}

#[tokio::test]
async fn an_idle_writer_holds_no_lock_and_close_returns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let db = Db::open_sqlite(&path).await.unwrap();
    db.migrate().await.unwrap();
    let tx = db.begin().await.unwrap();
    drop(tx);
    audit::record(&db, event(1)).await.unwrap();
    // Another process (a second pool here) can write at once: no group is left open.
    let other = Db::open_sqlite(&path).await.unwrap();
    tokio::time::timeout(
        std::time::Duration::from_secs(2),
        audit::record(&other, event(2)),
    )
    .await
    .expect("the write lock was free")
    .unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), db.close())
        .await
        .expect("close returns");
    other.close().await;
}

/// Checkpoints run in the background, not inside a writer's COMMIT: committed pages reach the
/// database file while no writer crossed SQLite's own checkpoint threshold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_pages_reach_the_database_file_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let db = Db::open_sqlite(&path).await.unwrap();
    db.migrate().await.unwrap();
    let before = std::fs::metadata(&path).unwrap().len();
    // ≈ 3 MB, under SQLite's default threshold of 1,000 pages (4 MB) and far under ours.
    let text = "申报书".repeat(10_000);
    for i in 0..100 {
        let mut e = event(i);
        e.detail = serde_json::json!({ "text": text });
        audit::record(&db, e).await.unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let grown = std::fs::metadata(&path).unwrap().len() - before;
        if grown >= 2_000_000 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the database file grew by only {grown} bytes: nothing checkpointed the WAL"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    db.close().await;
}
