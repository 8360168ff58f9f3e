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

/// The writer process of [`acknowledged_writes_survive_a_killed_process`]: runs only when that
/// test starts this test binary again with `CHANJIAO_CRASH_CHILD_DB` set, and writes until it
/// is killed, printing each write once its commit has returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child_writes_until_killed() {
    let Ok(path) = std::env::var("CHANJIAO_CRASH_CHILD_DB") else {
        return;
    };
    let db = Db::open_sqlite(std::path::Path::new(&path)).await.unwrap();
    db.migrate().await.unwrap();
    println!("ready");
    let mut tasks = Vec::new();
    for w in 0..16 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let mut e = event(w);
                e.actor_login = Some(format!("crash-{w}-{n}"));
                let mut tx = db.begin().await.unwrap();
                audit::append(&mut tx, e).await.unwrap();
                tx.commit().await.unwrap();
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                writeln!(out, "acked crash-{w}-{n}").unwrap();
                out.flush().unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// Nothing acknowledged is lost when the process dies: a process writing through the group
/// writer is killed (SIGKILL) mid-stream, and every write whose commit had returned is in the
/// database when it is opened again.
#[tokio::test]
async fn acknowledged_writes_survive_a_killed_process() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_child_writes_until_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CHANJIAO_CRASH_CHILD_DB", &path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut acked = Vec::new();
        let mut ready = false;
        let mut started = None;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // The harness prints "test … ... " without a newline before the test's output.
            if line.ends_with("ready") {
                ready = true;
                started = Some(std::time::Instant::now());
            } else if let Some(login) = line.strip_prefix("acked ") {
                acked.push(login.to_owned());
            }
            // Kill it mid-stream: after a good number of writes, or a while.
            if started.is_some_and(|s| s.elapsed() > std::time::Duration::from_secs(3))
                || acked.len() >= 3_000
            {
                break;
            }
        }
        (ready, acked)
    });
    let (ready, acked) = reader.join().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(ready, "the writer process did not start");
    assert!(
        acked.len() >= 100,
        "only {} writes before the kill",
        acked.len()
    );

    let db = Db::open_sqlite(&path).await.unwrap();
    let stored: std::collections::HashSet<String> =
        on_db!(&db, |p| sqlx::query_scalar::<_, String>(
            "SELECT actor_login FROM audit_inbox WHERE actor_login LIKE 'crash-%'"
        )
        .fetch_all(p)
        .await)
        .unwrap()
        .into_iter()
        .collect();
    let lost: Vec<&String> = acked.iter().filter(|a| !stored.contains(*a)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost, e.g. {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
    db.close().await;
}
